import type { BatonClients } from '@baton/sdk';
import type { Instance } from '@baton/proto';
import { waitFor } from '@baton/testing';
import { TERMINAL } from '../scheduler/support';

/** The instances of a workflow (latest runs), newest first. */
export async function instancesOf(clients: BatonClients, workflowId: string): Promise<Instance[]> {
  return (await clients.scheduler.listInstances({ workflowId, pageSize: 500 })).instances;
}

/** Waits until the workflow has `n` instances; returns them, newest first. */
export async function waitInstances(
  clients: BatonClients,
  workflowId: string,
  n: number,
  timeoutMs = 20_000,
): Promise<Instance[]> {
  let list: Instance[] = [];
  await waitFor(
    async () => {
      list = await instancesOf(clients, workflowId).catch(() => []);
      return list.length >= n;
    },
    { timeoutMs, intervalMs: 100, what: `${workflowId} to have ${n} instances (has ${list.length})` },
  );
  return list;
}

/** Waits until every instance of the workflow ended; returns them. */
export async function waitAllEnded(clients: BatonClients, workflowId: string, n: number, timeoutMs = 30_000) {
  let list: Instance[] = [];
  await waitFor(
    async () => {
      list = await instancesOf(clients, workflowId).catch(() => []);
      return list.length >= n && list.every((i) => TERMINAL.includes(i.status));
    },
    { timeoutMs, intervalMs: 100, what: `${n} runs of ${workflowId} to end` },
  );
  return list;
}

/** Waits until a step of a run has `status`. */
export async function waitStep(
  clients: BatonClients,
  workflowId: string,
  instanceId: string,
  stepId: string,
  status: string,
  timeoutMs = 20_000,
) {
  let inst: Instance | undefined;
  await waitFor(
    async () => {
      inst = (await clients.scheduler.getInstance({ ref: { workflowId, instanceId, runId: '0' } })).instance;
      return inst?.steps.find((s) => s.stepId === stepId)?.status === status;
    },
    {
      timeoutMs,
      intervalMs: 50,
      what: `${workflowId}/${instanceId} step ${stepId} to be ${status} (is ${inst?.steps.find((s) => s.stepId === stepId)?.status})`,
    },
  );
  return inst!;
}

/** Resolves after `ms`: only to let a negative (nothing must happen) play out, never to wait for work. */
export const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

import type { BatonClients } from '@baton/sdk';
import type { Instance } from '@baton/proto';
import { waitFor } from '@baton/testing';

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'STOPPED', 'TIMED_OUT'];

export async function push(clients: BatonClients, workflow: unknown, properties?: unknown): Promise<void> {
  await clients.definition.pushWorkflow({
    definitionJson: JSON.stringify({ ...(properties ? { properties } : {}), workflow }),
  });
}

/** Waits (with a deadline) until the run ends; returns the final instance. */
export async function waitEnd(
  clients: BatonClients,
  workflowId: string,
  instanceId: string | number,
  timeoutMs = 30_000,
  runId = 0,
): Promise<Instance> {
  let inst: Instance | undefined;
  await waitFor(
    async () => {
      inst = (
        await clients.scheduler.getInstance({
          ref: { workflowId, instanceId: String(instanceId), runId: String(runId) },
        })
      ).instance;
      return TERMINAL.includes(inst?.status ?? '');
    },
    { timeoutMs, intervalMs: 50, what: `${workflowId}/${instanceId} to end (last: ${inst?.status})` },
  );
  return inst!;
}

export function statuses(inst: Instance): Record<string, string> {
  return Object.fromEntries(inst.steps.map((s) => [s.stepId, s.status]));
}

export const noop = (id: string, successors: Record<string, string> = {}) => ({
  step: { id, type: 'NoOp', ...(Object.keys(successors).length ? { transition: { successors } } : {}) },
});

export const sleep = (id: string, seconds: number, successors: Record<string, string> = {}) => ({
  step: {
    id,
    type: 'Sleep',
    params: { sleep_seconds: { value: seconds, type: 'LONG' } },
    ...(Object.keys(successors).length ? { transition: { successors } } : {}),
  },
});

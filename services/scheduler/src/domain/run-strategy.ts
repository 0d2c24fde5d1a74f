import type { InstanceStatus } from './statuses';
import { isInstanceTerminal } from './statuses';

/** One instance of a workflow as the run strategy sees it (its latest run). */
export interface QueueEntry {
  instanceId: number;
  status: InstanceStatus;
  /** Its start was let through (a start event exists). */
  admitted: boolean;
  /** STRICT_SEQUENTIAL: a failure the user unblocked (UnblockWorkflow) no longer blocks the queue. */
  unblocked: boolean;
}

export interface Admission {
  /** Queued instances to start now, in id order. */
  start: number[];
  /** Instances to stop (queued ones that will never run, or running ones LAST_ONLY replaces). */
  stop: { instanceId: number; reason: string }[];
  /** STRICT_SEQUENTIAL: the failed instance that blocks the queue. */
  blockedBy?: number;
}

export type RunStrategyRule =
  | 'SEQUENTIAL'
  | 'STRICT_SEQUENTIAL'
  | 'FIRST_ONLY'
  | 'LAST_ONLY'
  | 'PARALLEL'
  | 'SERIAL_LATEST_ONLY';

/**
 * Which queued instances of one workflow start, and which are stopped, under
 * Maestro's run strategies. Pure: the shell feeds it the instances from the first
 * one not finished, in id order, and performs the answer (idempotently).
 *
 * - SEQUENTIAL (default): one at a time, first in first out.
 * - STRICT_SEQUENTIAL: as SEQUENTIAL, but a FAILED instance blocks every later one
 *   until it is restarted (its latest run no longer failed) or unblocked.
 * - FIRST_ONLY: a new instance that finds one running is stopped, not queued.
 * - LAST_ONLY: the newest instance runs; older running or queued ones are stopped.
 * - PARALLEL: up to `concurrency` at once (0 = no limit), FIFO beyond that.
 * - SERIAL_LATEST_ONLY: one at a time; when the slot frees, only the newest queued
 *   instance runs and the older queued ones are stopped.
 */
export function admit(rule: RunStrategyRule, concurrency: number, entries: readonly QueueEntry[]): Admission {
  const out: Admission = { start: [], stop: [] };
  const running = entries.filter((e) => e.admitted && !isInstanceTerminal(e.status));
  const queued = entries.filter((e) => !e.admitted && e.status === 'CREATED');
  if (queued.length === 0 && rule !== 'LAST_ONLY') return out;
  switch (rule) {
    case 'PARALLEL': {
      const free = concurrency > 0 ? Math.max(0, concurrency - running.length) : queued.length;
      out.start = queued.slice(0, free).map((e) => e.instanceId);
      return out;
    }
    case 'SEQUENTIAL':
      if (running.length === 0) out.start = [queued[0]!.instanceId];
      return out;
    case 'STRICT_SEQUENTIAL': {
      const first = queued[0]!;
      const blocker = entries.find(
        (e) => e.instanceId < first.instanceId && e.admitted && e.status === 'FAILED' && !e.unblocked,
      );
      if (blocker) {
        out.blockedBy = blocker.instanceId;
        return out;
      }
      if (running.length === 0) out.start = [first.instanceId];
      return out;
    }
    case 'FIRST_ONLY': {
      const rest = running.length === 0 ? queued.slice(1) : queued;
      if (running.length === 0) out.start = [queued[0]!.instanceId];
      const holder = running[0]?.instanceId ?? queued[0]!.instanceId;
      out.stop = rest.map((e) => ({
        instanceId: e.instanceId,
        reason: `FIRST_ONLY: instance ${holder} is running`,
      }));
      return out;
    }
    case 'LAST_ONLY': {
      const newest = queued[queued.length - 1];
      if (!newest) return out;
      out.start = [newest.instanceId];
      for (const e of [...running, ...queued.slice(0, -1)]) {
        out.stop.push({
          instanceId: e.instanceId,
          reason: `LAST_ONLY: replaced by instance ${newest.instanceId}`,
        });
      }
      return out;
    }
    case 'SERIAL_LATEST_ONLY': {
      if (running.length > 0) return out;
      const newest = queued[queued.length - 1]!;
      out.start = [newest.instanceId];
      out.stop = queued.slice(0, -1).map((e) => ({
        instanceId: e.instanceId,
        reason: `SERIAL_LATEST_ONLY: superseded by instance ${newest.instanceId}`,
      }));
      return out;
    }
  }
}

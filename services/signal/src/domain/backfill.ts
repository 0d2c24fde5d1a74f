import { createHash } from 'node:crypto';

/** Most fire times one backfill replays. */
export const MAX_BACKFILL_RUNS = 10_000;

/** A backfill: one run per nominal fire time of a time trigger in [from, to]. */
export interface BackfillSpec {
  id: string;
  workflowId: string;
  triggerId: string;
  timezone: string;
  from: number;
  to: number;
  concurrency: number;
  /** The fire times, ascending (at most MAX_BACKFILL_RUNS). */
  times: number[];
}

/** The id of a backfill: the same request is the same backfill. */
export function backfillIdOf(workflowId: string, triggerId: string, from: number, to: number): string {
  const h = createHash('sha256')
    .update(`${workflowId}|${triggerId}|${from}|${to}`)
    .digest('hex')
    .slice(0, 24);
  return `bf-${h}`;
}

/** The request id of the run for one fire time: shared by every backfill of that trigger. */
export function backfillRequestId(triggerId: string, time: number): string {
  return `backfill:${triggerId}:${time}`;
}

/** Progress, kept in the backfill's ledger: the next fire time to start, and those running. */
export interface BackfillState {
  next: number;
  running: number[];
  ended: number;
}

export interface BackfillDecision {
  state: BackfillState;
  /** Fire times to start now (StartWorkflow with backfillRequestId). */
  start: number[];
  done: boolean;
  changed: boolean;
}

/** Starts fire times in order, at most `concurrency` running at once. `ended` = running ones that ended. Pure. */
export function decideBackfill(
  prev: BackfillState,
  spec: BackfillSpec,
  ended: ReadonlySet<number>,
): BackfillDecision {
  const running = prev.running.filter((t) => !ended.has(t));
  let next = prev.next;
  const start: number[] = [];
  while (running.length < spec.concurrency && next < spec.times.length) {
    const t = spec.times[next++]!;
    running.push(t);
    start.push(t);
  }
  const state = {
    next,
    running,
    ended: prev.ended + (prev.running.length - (running.length - start.length)),
  };
  return {
    state,
    start,
    done: next >= spec.times.length && running.length === 0,
    changed: start.length > 0 || state.ended !== prev.ended,
  };
}

import { SelError, evaluate } from '@baton/sel';
import type { Draft } from './draft';
import { forceEnd } from './instance-end';
import { edgeEvaluator } from './scopes';
import { emitSignalOutputs } from './signal-outputs';
import { isDecided, isStepTerminal } from './statuses';

/** Decided states a step can be settled into (successors are evaluated after them). */
export type DecidedStatus = 'SUCCEEDED' | 'COMPLETED_WITH_ERROR' | 'SKIPPED' | 'UNSATISFIED' | 'DISABLED';

/** A step whose predecessors are all decided and some edge held: it waits in the queue to start. */
export function makeReady(d: Draft, i: number): void {
  const s = d.setStatus(i, 'CREATED');
  s.createdAt = d.now;
  d.snap.queue.push(s.id);
}

/**
 * Settles step `i` into a decided state and propagates: each successor's conditions are evaluated
 * in this step's scope (SUCCEEDED, COMPLETED_WITH_ERROR), taken as true (SKIPPED: downstream
 * continues) or false (UNSATISFIED, DISABLED); a successor whose predecessors are all decided starts
 * if any incoming edge held, otherwise it is UNSATISFIED in turn. Iterative, so a long chain of
 * UNSATISFIED steps cannot overflow the stack; O(edges touched).
 */
export function settle(d: Draft, i: number, status: DecidedStatus, message?: string): void {
  if (status === 'SUCCEEDED') {
    // Publishing is part of succeeding: an output that does not evaluate fails the step instead.
    const problem = emitSignalOutputs(d, i);
    if (problem) return failStep(d, i, 'INTERNALLY_FAILED', problem);
  }
  markDecided(d, i, status, message);
  const work = [i];
  while (work.length > 0) {
    const k = work.pop()!;
    const conds = evaluateEdges(d, k);
    for (const [j] of d.plan.successors[k]!) {
      if (d.get(j).status !== 'NOT_CREATED') continue;
      const verdict = conds.get(j);
      const m = d.mut(j);
      m.waiting--;
      if (typeof verdict === 'string') {
        failStep(d, j, 'INTERNALLY_FAILED', verdict);
        continue;
      }
      if (verdict) m.enabled = true;
      if (m.waiting > 0) continue;
      if (m.enabled) makeReady(d, j);
      else {
        markDecided(d, j, 'UNSATISFIED', 'no incoming edge condition held');
        work.push(j);
      }
    }
  }
}

function markDecided(d: Draft, i: number, status: DecidedStatus, message?: string): void {
  const s = d.setStatus(i, status, message);
  s.endedAt = d.now;
  delete s.dueAt;
  delete s.timeoutAt;
}

const TRUE = /^\s*true\s*;?\s*$/;
const FALSE = /^\s*false\s*;?\s*$/;

/**
 * Evaluates the edges out of decided step `k` and records them on the step (`conds`), so a later
 * restart can recompute readiness without re-running SEL. A condition that fails or is not a
 * boolean yields an error message: the successor fails (INTERNALLY_FAILED) with it.
 */
function evaluateEdges(d: Draft, k: number): Map<number, boolean | string> {
  const out = new Map<number, boolean | string>();
  const edges = d.plan.successors[k]!;
  if (edges.length === 0) return out;
  const s = d.get(k);
  const mode =
    s.status === 'SKIPPED'
      ? true
      : s.status === 'SUCCEEDED' || s.status === 'COMPLETED_WITH_ERROR'
        ? undefined
        : false;
  let scope: ReturnType<typeof edgeEvaluator> | undefined;
  const conds: Record<string, boolean> = {};
  for (const [j, cond] of edges) {
    let v: boolean | string;
    if (mode !== undefined) v = mode;
    else if (TRUE.test(cond)) v = true;
    else if (FALSE.test(cond)) v = false;
    else {
      scope ??= edgeEvaluator(d, k);
      v = condition(cond, scope.host, d.now, s.id, d.plan.ids[j]!);
    }
    out.set(j, v);
    conds[d.plan.ids[j]!] = v === true;
  }
  d.mut(k).conds = conds;
  return out;
}

function condition(
  source: string,
  host: ReturnType<typeof edgeEvaluator>['host'],
  now: number,
  from: string,
  to: string,
): boolean | string {
  try {
    const r = evaluate(source, host, { now: () => now });
    if (typeof r === 'boolean') return r;
    return `condition of edge ${from} → ${to} is not a boolean: ${JSON.stringify(typeof r === 'bigint' ? r.toString() : r)}`;
  } catch (e) {
    const msg = e instanceof SelError ? e.message : e instanceof Error ? e.message : String(e);
    return `condition of edge ${from} → ${to} failed: ${msg}`;
  }
}

/**
 * Recomputes `waiting`/`enabled` of the given (reset, NOT_CREATED) steps from their predecessors'
 * recorded edge values, then starts or settles those whose predecessors are all decided. `force`
 * runs that step regardless of its edges (restart from a step). Used at start, restart and
 * restart-from-step.
 */
export function recomputeReadiness(d: Draft, indices: readonly number[], force?: number): void {
  for (const j of indices) {
    const s = d.get(j);
    if (s.status !== 'NOT_CREATED') continue;
    const preds = d.plan.predecessors[j]!;
    let waiting = 0;
    let enabled = preds.length === 0;
    for (const p of preds) {
      const ps = d.get(p);
      if (!isDecided(ps.status)) waiting++;
      else if (ps.conds?.[s.id]) enabled = true;
    }
    if (j === force) {
      waiting = 0;
      enabled = true;
    }
    if (s.waiting !== waiting || s.enabled !== enabled) {
      const m = d.mut(j);
      m.waiting = waiting;
      m.enabled = enabled;
    }
  }
  for (const j of indices) {
    const s = d.get(j);
    if (s.status !== 'NOT_CREATED' || s.waiting > 0) continue;
    if (s.enabled) makeReady(d, j);
    else settle(d, j, 'UNSATISFIED', 'no incoming edge condition held');
  }
}

/** True when the step is neither terminal nor NOT_CREATED. */
export function isLive(status: string): boolean {
  return status !== 'NOT_CREATED' && !isStepTerminal(status as never);
}

/** Blocking states a step can fail into. */
export type FailedStatus =
  | 'USER_FAILED'
  | 'PLATFORM_FAILED'
  | 'FATALLY_FAILED'
  | 'INTERNALLY_FAILED'
  | 'STOPPED'
  | 'TIMED_OUT';

/**
 * A step failed for good (no retry left, or not retryable). Its failure mode decides what follows:
 *
 * - IGNORE_FAILURE: the step becomes COMPLETED_WITH_ERROR and the DAG continues from it (its edge
 *   conditions are evaluated as for a success).
 * - FAIL_AFTER_RUNNING (default): the step blocks the instance: its downstream never starts, and no
 *   new step starts anywhere in the instance; steps already running (their retries included) run to
 *   their end; then the instance ends FAILED. Steps left ready are marked STOPPED ("not started").
 * - FAIL_IMMEDIATELY: the instance ends FAILED now; running attempts are cancelled and children
 *   stopped.
 *
 * STOPPED (a user stopped the step) always blocks as FAIL_AFTER_RUNNING does, and the instance
 * ends STOPPED unless another step failed.
 */
export function failStep(d: Draft, i: number, status: FailedStatus, message?: string): void {
  const s = d.setStatus(i, status, message, d.get(i).attempt || undefined);
  s.endedAt = d.now;
  delete s.dueAt;
  delete s.timeoutAt;
  const mode = d.def(i).failureMode ?? 'FAIL_AFTER_RUNNING';
  if (status !== 'STOPPED' && mode === 'IGNORE_FAILURE') {
    settle(d, i, 'COMPLETED_WITH_ERROR', message);
    return;
  }
  if (!d.snap.blocked.includes(s.id)) d.snap.blocked.push(s.id);
  if (status !== 'STOPPED' && mode === 'FAIL_IMMEDIATELY') {
    forceEnd(d, 'FAILED', `step ${s.id} ${status}${message ? `: ${message}` : ''} (FAIL_IMMEDIATELY)`);
  }
}

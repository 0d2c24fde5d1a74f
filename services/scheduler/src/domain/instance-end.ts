import { leafCounts } from './rollup';
import { childKeyOf } from './actions';
import type { Draft } from './draft';
import type { JsonObject } from './json';
import { paramUpdates } from './param-updates';
import type { InstanceSnapshot } from './snapshot';
import { type InstanceStatus, isBlocking, isInstanceTerminal, isStepTerminal } from './statuses';
import { isDispatched } from './step-kinds';

/** Asks step-runtime to kill step `i`'s current attempt (keyed, so a redo asks once more, harmlessly). */
export function cancelAttempt(d: Draft, i: number, reason: string): void {
  const s = d.get(i);
  const rec = s.attempts[s.attempts.length - 1]!;
  d.emit({
    type: 'cancelAttempt',
    key: `${rec.key}:cancel`,
    attemptKey: rec.key,
    stepId: s.id,
    attempt: rec.attempt,
    reason,
  });
}

/**
 * Cancels whatever step `i` has in flight: its current attempt (a cancelAttempt action; the attempt
 * is recorded STOPPED so a late report for it is stale) and its running child instances.
 */
export function cancelInFlight(d: Draft, i: number, reason: string, kill = false): void {
  const s = d.get(i);
  const def = d.def(i);
  if (s.status === 'WAITING_FOR_SIGNALS' && s.signals) {
    d.emit({ type: 'cancelWait', key: `${s.signals.waitKey}:cancel`, waitKey: s.signals.waitKey });
  }
  if ((s.status === 'STARTING' || s.status === 'RUNNING') && isDispatched(def)) {
    const m = d.mut(i);
    const last = m.attempts.length - 1;
    const rec = m.attempts[last];
    if (rec && (rec.status === 'STARTING' || rec.status === 'RUNNING')) {
      m.attempts[last] = { ...rec, status: 'STOPPED', endedAt: d.now, message: reason };
      cancelAttempt(d, i, reason);
    }
  }
  if (s.child && s.child.running.length > 0) {
    const m = d.mut(i);
    for (const it of m.child!.running) {
      const childKey = childKeyOf(d.snap.key, s.id, it);
      d.emit({ type: 'stopChild', key: `${childKey}:${kill ? 'kill' : 'stop'}`, childKey, kill, reason });
    }
    m.child!.stopped += m.child!.running.length;
    m.child!.running = [];
  }
}

/**
 * Ends the instance now (stop, kill, timeout, FAIL_IMMEDIATELY): every started or ready step is
 * cancelled and marked STOPPED; `status` wins over the computed final status.
 */
export function forceEnd(d: Draft, status: InstanceStatus, message: string, kill = false): void {
  if (isInstanceTerminal(d.snap.status)) return;
  d.snap.forced = status;
  stopOpenSteps(d, message, kill);
  endInstance(d, status, message);
}

/** Marks every started or ready step STOPPED (cancelling what runs). */
export function stopOpenSteps(d: Draft, reason: string, kill = false): void {
  for (const list of [d.snap.active, d.snap.queue]) {
    for (const id of list) {
      const i = d.idx(id)!;
      const s = d.get(i);
      if (isStepTerminal(s.status) || s.status === 'NOT_CREATED') continue;
      cancelInFlight(d, i, reason, kill);
      const m = d.setStatus(i, 'STOPPED', reason);
      m.endedAt = d.now;
      delete m.dueAt;
      delete m.timeoutAt;
    }
  }
}

/**
 * The final status of a run that ended by itself, as Maestro computes it: a forced status wins;
 * else FAILED if any step failed (USER/PLATFORM/FATALLY/INTERNALLY_FAILED, TIMED_OUT), STOPPED if a
 * step was stopped, otherwise SUCCEEDED (DISABLED, UNSATISFIED, SKIPPED and COMPLETED_WITH_ERROR
 * count as success).
 */
export function finalStatus(snap: Pick<InstanceSnapshot, 'forced' | 'steps'>): InstanceStatus {
  if (snap.forced) return snap.forced;
  let stopped = false;
  for (const s of snap.steps) {
    if (!isBlocking(s.status)) continue;
    if (s.status !== 'STOPPED') return 'FAILED';
    stopped = true;
  }
  return stopped ? 'STOPPED' : 'SUCCEEDED';
}

/** Records the end of the run and emits instanceEnded (and notifyParent for a child). */
export function endInstance(d: Draft, status: InstanceStatus, message?: string): void {
  const snap = d.snap;
  snap.status = status;
  snap.endedAt = d.now;
  if (message !== undefined) snap.message = message;
  snap.active = [];
  snap.queue = [];
  delete snap.nextWakeAt;
  d.log(undefined, status, message);
  d.emit({
    type: 'instanceEnded',
    key: `${snap.key}:ended`,
    instanceKey: snap.key,
    workflowId: snap.workflowId,
    instanceId: snap.instanceId,
    runId: snap.runId,
    status,
    ...(message !== undefined ? { message } : {}),
  });
  if (snap.parent) {
    const outputs: Record<string, JsonObject> = {};
    for (const s of snap.steps) if (s.outputs) outputs[s.id] = s.outputs;
    const params = paramUpdates(d);
    d.emit({
      type: 'notifyParent',
      key: `${snap.key}:finished`,
      parentKey: snap.parent.key,
      childKey: snap.key,
      stepId: snap.parent.stepId,
      iteration: snap.parent.iteration,
      status,
      outputs,
      ...(params ? { params } : {}),
      ...(message !== undefined ? { message } : {}),
      leafCounts: leafCounts(snap, (id) => d.def(d.idx(id)!)),
    });
  }
}

/** The message of a run that failed by itself: the first blocking step. */
export function blockedMessage(d: Draft): string | undefined {
  const id = d.snap.blocked[0];
  if (id === undefined) return undefined;
  const s = d.get(d.idx(id)!);
  return `step ${id} ${s.status}${s.message ? `: ${s.message}` : ''}`;
}

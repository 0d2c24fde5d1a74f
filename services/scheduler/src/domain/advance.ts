import { onStepTimeout } from './attempts';
import { settle } from './step-outcome';
import type { Draft } from './draft';
import { blockedMessage, endInstance, forceEnd, stopOpenSteps } from './instance-end';
import { concurrencyLimit, localPermitTag } from './context';
import type { StepState } from './snapshot';
import { isDispatched } from './step-kinds';
import { startStep } from './step-start';

/**
 * Fires due timers: the instance timeout (→ TIMED_OUT), Sleep ends (→ SUCCEEDED), retry backoffs
 * (→ back to the queue) and step timeouts (→ TIMED_OUT attempt, timeout retry policy). Time is the
 * `now` argument only. Scans the active steps only when a timer may be due.
 */
export function fireTimers(d: Draft, prevWake: number | undefined): void {
  const snap = d.snap;
  if (!d.timersDirty && (prevWake === undefined || d.now < prevWake)) return;
  if (snap.timeoutAt !== undefined && d.now >= snap.timeoutAt) {
    return forceEnd(d, 'TIMED_OUT', 'instance timed out');
  }
  for (const id of snap.active.slice()) {
    const i = d.idx(id)!;
    const s = d.get(i);
    if (s.status === 'INITIALIZED' && s.dueAt !== undefined && d.now >= s.dueAt) {
      delete d.mut(i).dueAt;
      d.removeActive(id);
      snap.queue.push(id);
    } else if (s.status === 'RUNNING' && s.dueAt !== undefined && d.now >= s.dueAt) {
      settle(d, i, 'SUCCEEDED');
    } else if (
      (s.status === 'STARTING' || s.status === 'RUNNING') &&
      s.timeoutAt !== undefined &&
      d.now >= s.timeoutAt
    ) {
      onStepTimeout(d, i);
    }
    if (snap.status !== 'IN_PROGRESS' && snap.status !== 'PAUSED') return;
  }
}

function inQueue(s: StepState): boolean {
  return (
    s.status === 'CREATED' ||
    s.status === 'WAITING_FOR_PERMITS' ||
    (s.status === 'INITIALIZED' && s.dueAt === undefined)
  );
}

function inActive(s: StepState): boolean {
  return (
    s.status === 'STARTING' ||
    s.status === 'RUNNING' ||
    s.status === 'WAITING_FOR_SIGNALS' ||
    s.status === 'PAUSED' ||
    (s.status === 'INITIALIZED' && s.dueAt !== undefined)
  );
}

/**
 * Starts queued steps in FIFO order while the instance runs, nothing blocks it, and permits remain
 * (step_concurrency counts dispatched attempts only: NoOp, Join, Sleep and child-waiting steps take
 * no permit). Steps completed inline (NoOp) make successors ready, which this same pass starts.
 */
export function pump(d: Draft): void {
  const snap = d.snap;
  if (snap.status !== 'IN_PROGRESS' || snap.blocked.length > 0) return;
  const limit = concurrencyLimit(d.ctx);
  let permits = Infinity;
  if (limit !== Infinity) {
    let used = 0;
    for (const id of snap.active) {
      const i = d.idx(id)!;
      const st = d.get(i).status;
      if ((st === 'STARTING' || st === 'RUNNING') && isDispatched(d.def(i))) used++;
    }
    permits = limit - used;
  }
  const left: string[] = [];
  const queue = snap.queue;
  const seen = new Set<string>();
  for (let k = 0; k < queue.length; k++) {
    const id = queue[k]!;
    if (seen.has(id)) continue;
    seen.add(id);
    const i = d.idx(id)!;
    const s = d.get(i);
    if (!inQueue(s)) continue;
    if (snap.status !== 'IN_PROGRESS' || snap.blocked.length > 0) {
      left.push(id);
      continue;
    }
    const needsPermit = isDispatched(d.def(i));
    if (needsPermit && permits <= 0) {
      if (s.status === 'CREATED') {
        d.setStatus(i, 'WAITING_FOR_PERMITS');
        d.mut(i).permitTag = localPermitTag(d);
      }
      left.push(id);
      continue;
    }
    startStep(d, i);
    if (needsPermit && d.get(i).status === 'STARTING') permits--;
  }
  snap.queue = left;
}

/** Drops ended steps from the active and queue lists; ends the run when nothing can happen anymore. */
export function settleInstance(d: Draft): void {
  const snap = d.snap;
  if (snap.status !== 'IN_PROGRESS' && snap.status !== 'PAUSED') return;
  // Only steps that changed in this call can have left a list: O(changed), not O(active).
  for (const i of d.changed) {
    const s = d.get(i);
    if (!inActive(s)) d.removeActive(s.id);
    if (!inQueue(s)) d.removeQueued(s.id);
  }
  if (snap.active.length > 0) return;
  if (snap.queue.length > 0 && snap.blocked.length === 0) return;
  if (snap.queue.length > 0) stopOpenSteps(d, 'not started: another step blocks the instance');
  const status = finalStatusOf(d);
  endInstance(d, status, status === 'SUCCEEDED' ? undefined : blockedMessage(d));
}

function finalStatusOf(d: Draft) {
  let stopped = false;
  for (const id of d.snap.blocked) {
    const s = d.get(d.idx(id)!);
    if (s.status !== 'STOPPED') return 'FAILED' as const;
    stopped = true;
  }
  return stopped ? ('STOPPED' as const) : ('SUCCEEDED' as const);
}

/** The earliest due timer of a live run: retry backoffs, Sleep ends, step and instance timeouts. */
export function computeNextWake(d: Draft): number | undefined {
  const snap = d.snap;
  let t = snap.timeoutAt ?? Infinity;
  for (const id of snap.active) {
    const s = d.get(d.idx(id)!);
    if (s.dueAt !== undefined && s.dueAt < t) t = s.dueAt;
    if (s.timeoutAt !== undefined && s.timeoutAt < t) t = s.timeoutAt;
  }
  return t === Infinity ? undefined : t;
}

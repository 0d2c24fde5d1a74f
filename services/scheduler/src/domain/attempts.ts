import { settle } from './step-outcome';
import type { Draft } from './draft';
import type {
  AttemptFinishedEvent,
  AttemptLeaseExpiredEvent,
  AttemptStartedEvent,
  PermitsWaitingEvent,
} from './events';
import { failStep } from './step-outcome';
import { toJsonObject } from './json';
import { dynamicSignalsOf } from './signal-outputs';
import { backoffSeconds, resolveRetryPolicy } from './retry-policy';
import type { AttemptResult, RetryKind } from './statuses';
import { isStepTerminal } from './statuses';
import { isDispatched } from './step-kinds';
import { cancelAttempt } from './instance-end';

/**
 * The step index when (stepId, attempt[, key]) names the step's current, in-flight attempt; else
 * undefined. This is the "applied at most once" check: a report for an older attempt, for an
 * attempt already ended (timed out, cancelled, lease lost), for a terminal step, or a repeat of an
 * applied report, is stale and changes nothing.
 */
export function currentAttempt(d: Draft, stepId: string, attempt: number, key?: string): number | undefined {
  const i = d.idx(stepId);
  if (i === undefined) return undefined;
  const s = d.get(i);
  if (isStepTerminal(s.status) || s.attempt !== attempt || !isDispatched(d.def(i))) return undefined;
  if (s.status !== 'STARTING' && s.status !== 'RUNNING') return undefined;
  const rec = s.attempts[s.attempts.length - 1];
  if (!rec || rec.attempt !== attempt || (rec.status !== 'STARTING' && rec.status !== 'RUNNING'))
    return undefined;
  if (key !== undefined && rec.key !== key) return undefined;
  return i;
}

export function onAttemptStarted(d: Draft, ev: AttemptStartedEvent): void {
  const i = currentAttempt(d, ev.stepId, ev.attempt, ev.attemptKey);
  if (i === undefined || d.get(i).status !== 'STARTING') return;
  const s = d.mut(i);
  const last = s.attempts.length - 1;
  s.attempts[last] = { ...s.attempts[last]!, status: 'RUNNING', startedAt: ev.at ?? d.now };
  if (ev.worker) s.attempts[last]!.worker = ev.worker;
  d.setStatus(i, 'RUNNING', undefined, ev.attempt);
}

/**
 * The permit gate holds the current attempt back: the step shows WAITING_FOR_PERMITS with the tag
 * (the attempt stays dispatched — the gate starts it — so its timeout keeps counting). Said once
 * per attempt; a report that it runs or ended wins.
 */
export function onPermitsWaiting(d: Draft, ev: PermitsWaitingEvent): void {
  const i = currentAttempt(d, ev.stepId, ev.attempt, ev.attemptKey);
  if (i === undefined || d.get(i).status !== 'STARTING' || d.get(i).permitTag !== undefined) return;
  d.mut(i).permitTag = ev.tag;
  d.changed.add(i);
  d.log(d.get(i).id, 'WAITING_FOR_PERMITS', `waiting for a permit of tag ${ev.tag}`, ev.attempt);
}

function endAttempt(
  d: Draft,
  i: number,
  status: AttemptResult,
  message?: string,
  times: { startedAt?: number; endedAt?: number; worker?: string } = {},
): void {
  const s = d.mut(i);
  const last = s.attempts.length - 1;
  const rec = { ...s.attempts[last]!, status, endedAt: times.endedAt ?? d.now };
  // The process's own start, measured by the worker, is more exact than the RUNNING report's.
  if (times.startedAt !== undefined) rec.startedAt = times.startedAt;
  if (times.worker) rec.worker = times.worker;
  if (message !== undefined) rec.message = message;
  s.attempts[last] = rec;
  delete s.timeoutAt;
}

export function onAttemptFinished(d: Draft, ev: AttemptFinishedEvent): void {
  const i = currentAttempt(d, ev.stepId, ev.attempt, ev.attemptKey);
  if (i === undefined) return;
  endAttempt(d, i, ev.status, ev.message, ev);
  if (ev.status === 'SUCCEEDED') {
    if (ev.outputs) {
      try {
        const dynamic = dynamicSignalsOf(toJsonObject(ev.outputs));
        if (typeof dynamic === 'string') return failStep(d, i, 'USER_FAILED', dynamic);
        d.mut(i).outputs = dynamic.outputs;
        if (dynamic.signals.length > 0) d.mut(i).dynamicSignals = dynamic.signals;
      } catch (e) {
        return failStep(
          d,
          i,
          'INTERNALLY_FAILED',
          `bad outputs: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    return settle(d, i, 'SUCCEEDED');
  }
  attemptFailed(d, i, ev.status, ev.message);
}

/** A lost worker: platform error; the old attempt is cancelled (in case it still runs) and replaced. */
export function onLeaseExpired(d: Draft, ev: AttemptLeaseExpiredEvent): void {
  const i = currentAttempt(d, ev.stepId, ev.attempt, ev.attemptKey);
  if (i === undefined) return;
  cancelAttempt(d, i, 'lease expired');
  endAttempt(d, i, 'PLATFORM_FAILED', 'lease expired: the worker stopped renewing it');
  attemptFailed(d, i, 'PLATFORM_FAILED', 'lease expired: the worker stopped renewing it');
}

/** The step's timeout passed while its attempt ran: the attempt is cancelled and counts as TIMED_OUT. */
export function onStepTimeout(d: Draft, i: number): void {
  const s = d.get(i);
  const secs = Math.round(
    ((s.timeoutAt ?? d.now) - (s.attempts[s.attempts.length - 1]?.createdAt ?? d.now)) / 1000,
  );
  const message = `step timed out after ${secs}s`;
  cancelAttempt(d, i, message);
  endAttempt(d, i, 'TIMED_OUT', message);
  attemptFailed(d, i, 'TIMED_OUT', message);
}

const KIND: Partial<Record<AttemptResult, RetryKind>> = {
  USER_FAILED: 'user',
  PLATFORM_FAILED: 'platform',
  TIMED_OUT: 'timeout',
};

/**
 * An attempt failed. USER_FAILED, PLATFORM_FAILED and TIMED_OUT are retried under their own limit
 * (retry numbers may come from `${param}`); FATALLY_FAILED and STOPPED never are. A retry is a new
 * attempt due at now + backoff: the step waits INITIALIZED with `dueAt` (the snapshot's nextWakeAt
 * reflects it), or goes straight back to the queue when the backoff is 0.
 */
function attemptFailed(d: Draft, i: number, status: AttemptResult, message?: string): void {
  const kind = KIND[status];
  if (kind === undefined) return failStep(d, i, status === 'STOPPED' ? 'STOPPED' : 'FATALLY_FAILED', message);
  const def = d.def(i);
  const s = d.get(i);
  let delay: number;
  let limit: number;
  try {
    const params = s.params ?? {};
    const policy = resolveRetryPolicy(def.kind === 'step' ? def.retryPolicy : undefined, d.config, (n) =>
      Object.hasOwn(params, n) ? params[n] : d.snap.params[n],
    );
    limit = policy.limits[kind];
    delay = backoffSeconds(policy, kind, s.retries[kind] + 1);
  } catch (e) {
    return failStep(d, i, 'INTERNALLY_FAILED', `retry policy: ${e instanceof Error ? e.message : String(e)}`);
  }
  const final = status as 'USER_FAILED' | 'PLATFORM_FAILED' | 'TIMED_OUT';
  if (s.retries[kind] >= limit) return failStep(d, i, final, message);
  const m = d.mut(i);
  m.retries[kind]++;
  d.log(m.id, final, message, m.attempt);
  const note = `${kind} retry ${m.retries[kind]} of ${limit} in ${delay}s`;
  d.setStatus(i, 'INITIALIZED', note);
  if (delay > 0) {
    m.dueAt = d.now + delay * 1000;
    d.timersDirty = true;
  } else {
    d.removeActive(m.id);
    d.snap.queue.push(m.id);
  }
}

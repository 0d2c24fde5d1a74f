import type { Draft } from './draft';
import { settle } from './dag';
import { forceEnd } from './instance-end';

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

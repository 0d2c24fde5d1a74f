import { BatonError, type UnaryHandler } from '@baton/kit';
import type { internal } from '@baton/proto';
import type { EventLog } from '../app/event-log';
import { ATTEMPT_RESULTS, type AttemptResult, isInstanceTerminal } from '../domain';
import type { InstanceStore } from '../store/instance-store';
import { fromApiParams } from './param-mapping';

/**
 * baton.internal.v1.StepReportService: step-runtime's reports become events of the
 * instance, keyed by attempt key — a repeated report is a duplicate insert, and a
 * report for an attempt that is not current is ignored by decide. A report for a run that does
 * not exist is refused and one for a run that has ended is dropped, so neither leaves an event
 * no decision will ever consume (the head is small; this read is one lookup by _id).
 */
export function reportHandlers(events: EventLog, store: InstanceStore) {
  const ReportAttempt: UnaryHandler<internal.ReportAttemptRequest, internal.ReportAttemptResponse> = async (
    req,
  ) => {
    const suffix = `:${req.stepId}:${req.attemptId}`;
    if (!req.attemptKey.endsWith(suffix) || req.attemptKey.length === suffix.length) {
      throw BatonError.invalid('attempt_key does not match step_id and attempt_id', [
        { field: 'attempt_key', description: `must end with ${suffix}` },
      ]);
    }
    if (req.worker.length > 256)
      throw BatonError.invalid('worker is too long', [
        { field: 'worker', description: 'at most 256 characters' },
      ]);
    const key = req.attemptKey.slice(0, -suffix.length);
    // The event ids name the worker that claimed the attempt: its retries and the sweeper's
    // re-sends stay duplicates, but a report made up before the claim (a guessed future attempt
    // key) cannot take the id of the real one and leave it dropped as a "duplicate".
    const by = req.worker ? `@${req.worker}` : '';
    const head = await store.getHead(key);
    if (!head) throw BatonError.notFound(`no run ${key} for attempt ${req.attemptKey}`);
    if (isInstanceTerminal(head.status)) return { applied: false };
    if (req.status === 'RUNNING') {
      const fresh = await events.append(key, {
        type: 'attemptStarted',
        id: `${req.attemptKey}:started${by}`,
        stepId: req.stepId,
        attempt: req.attemptId,
        attemptKey: req.attemptKey,
      });
      return { applied: fresh };
    }
    if (!(ATTEMPT_RESULTS as readonly string[]).includes(req.status)) {
      throw BatonError.invalid(`unknown attempt status ${req.status}`, [
        { field: 'status', description: `one of RUNNING, ${ATTEMPT_RESULTS.join(', ')}` },
      ]);
    }
    const fresh = await events.append(key, {
      type: 'attemptFinished',
      id: `${req.attemptKey}:finished${by}`,
      stepId: req.stepId,
      attempt: req.attemptId,
      attemptKey: req.attemptKey,
      status: req.status as AttemptResult,
      outputs: fromApiParams(req.outputs),
      ...(req.error ? { message: req.error } : {}),
    });
    return { applied: fresh };
  };
  return { ReportAttempt };
}

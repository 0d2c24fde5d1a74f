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
export function reportHandlers(
  events: EventLog,
  store: InstanceStore,
  opts: ReportOptions = REPORT_DEFAULTS,
) {
  const known = new KnownRuns(opts.knownRuns);
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
    const startedAt = epochMs(req.startedAtMs, 'started_at_ms');
    const endedAt = epochMs(req.endedAtMs, 'ended_at_ms');
    // Once a run's head is seen it exists for good (until retention, days after it ended), so one
    // read per run on this replica, not one per report.
    if (!known.has(key)) {
      const head = await store.heads.getHead(key);
      if (head && isInstanceTerminal(head.status)) return { applied: false };
      // A foreach iteration's attempts are dispatched before its head is inserted (the head says
      // its first decision was applied, so it is written last), and a quick step can end first:
      // a run with a live entry exists. Its event waits; the launcher looks at it once the head is in.
      if (!head && !(await store.heads.isLive(key)))
        throw BatonError.notFound(`no run ${key} for attempt ${req.attemptKey}`);
      if (head) known.add(key);
    }
    if (req.status === 'RUNNING') {
      const fresh = await events.appendDeferred(
        key,
        {
          type: 'attemptStarted',
          id: `${req.attemptKey}:started${by}`,
          stepId: req.stepId,
          attempt: req.attemptId,
          attemptKey: req.attemptKey,
          ...(startedAt !== undefined ? { at: startedAt } : {}),
          ...(req.worker ? { worker: req.worker } : {}),
        },
        opts.runningDelayMs,
      );
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
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(endedAt !== undefined ? { endedAt } : {}),
      ...(req.worker ? { worker: req.worker } : {}),
    });
    return { applied: fresh };
  };
  return { ReportAttempt };
}

export interface ReportOptions {
  /**
   * How long a RUNNING report may wait for its decision (SCHEDULER_RUNNING_DELAY_MS). A step that
   * ends sooner is decided once, RUNNING and end together; a longer one shows RUNNING this late.
   */
  runningDelayMs: number;
  /** Runs remembered as existing, so their reports skip the head read. */
  knownRuns: number;
}

export const REPORT_DEFAULTS: ReportOptions = { runningDelayMs: 250, knownRuns: 100_000 };

/** Latest time a report may name: the end of year 9999. */
const MAX_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A report's optional process time: undefined when 0 (unknown), INVALID_ARGUMENT when absurd. */
function epochMs(raw: string, field: string): number | undefined {
  const n = Number(raw);
  if (n === 0) return undefined;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_EPOCH_MS)
    throw BatonError.invalid(`${field} is not a time`, [
      { field, description: 'ms since 1970, before the end of 9999, or 0' },
    ]);
  return n;
}

/** A bounded set of run keys known to have a head; the oldest are forgotten first. */
class KnownRuns {
  private readonly keys = new Set<string>();
  constructor(private readonly max: number) {}
  has(key: string): boolean {
    return this.keys.has(key);
  }
  add(key: string): void {
    if (this.keys.size >= this.max) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    this.keys.add(key);
  }
}

import type { ParamValue } from '@baton/proto';
import { backoffMs } from '../domain/backoff.js';
import type { AttemptResult, ClaimTarget } from '../store/claim-documents.js';
import type { ClaimsStore } from '../store/claims-store.js';
import type { Log } from './log.js';
import type { Reporter } from './reporter.js';

/** Tries of the RUNNING report: best effort, it only moves the step from STARTING to RUNNING. */
const RUNNING_TRIES = 3;
const RUNNING_TIMEOUT_MS = 2_000;
/** How long `record` retries a failing write before reporting without it. */
const RECORD_TRIES = 6;

/**
 * Getting results to the scheduler. The order is the guarantee: the result is recorded in the
 * claim first, then reported until the scheduler answers, then the claim is marked reported. A
 * crash anywhere leaves a recorded, unreported claim that the sweeper (any replica) re-sends; the
 * scheduler applies a result at most once, so re-sending is always safe.
 */
export class ReportDelivery {
  /** Keys whose final report this replica is sending (the sweeper leaves them alone). */
  readonly inFlight = new Set<string>();
  private readonly background = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly claims: ClaimsStore,
    private readonly reporter: Reporter,
  ) {}

  /** `status: RUNNING` once, a few quick tries, no durable retry. Resolves when done trying. */
  async reportRunning(
    attemptKey: string,
    target: ClaimTarget,
    log: Log,
    startedAt = Date.now(),
  ): Promise<void> {
    const res = await this.reporter.deliver(
      this.reporter.request(attemptKey, target, 'RUNNING', '', {}, undefined, { startedAt }),
      {
        maxTries: RUNNING_TRIES,
        timeoutMs: RUNNING_TIMEOUT_MS,
        signal: this.abort.signal,
      },
    );
    if (!res) log.warn('RUNNING report not delivered (best effort; the final report follows)');
  }

  /** Records the result in the claim; retries a while, then goes on (the report matters more). */
  async record(attemptKey: string, result: AttemptResult, log: Log): Promise<void> {
    for (let n = 0; ; n++) {
      try {
        await this.claims.recordResult(attemptKey, result);
        return;
      } catch (err) {
        if (n + 1 >= RECORD_TRIES) {
          log.error({ err: String(err) }, 'could not record the result; reporting it anyway');
          return;
        }
        await new Promise((r) => setTimeout(r, backoffMs(n, 200, 2_000)));
      }
    }
  }

  /** Reports until answered (in the background), then marks the claim reported. */
  deliverInBackground(
    attemptKey: string,
    target: ClaimTarget,
    result: AttemptResult,
    outputs: Record<string, ParamValue>,
    log: Log,
    recorded: Promise<void> = Promise.resolve(),
  ): void {
    const req = this.reporter.request(attemptKey, target, result.status, result.error, outputs, undefined, {
      startedAt: result.started_at,
      endedAt: result.ended_at,
    });
    this.inFlight.add(attemptKey);
    const p = (async () => {
      const started = Date.now();
      const res = await this.reporter.deliver(req, {
        signal: this.abort.signal,
        onRetry: (tries, error) => {
          if (tries === 1 || tries % 10 === 0)
            log.warn({ tries, error }, 'report not answered yet; retrying');
        },
      });
      if (!res?.answered) return;
      log.info(
        { status: result.status, applied: res.applied, rejected: res.rejected, ms: Date.now() - started },
        'result reported',
      );
      // The claim's result write and the "reported" mark must not race (whole-document writes).
      await recorded;
      await this.markReported(attemptKey, res.rejected, log);
    })()
      .catch((err) => log.error({ err: String(err) }, 'report delivery failed'))
      .finally(() => {
        this.inFlight.delete(attemptKey);
        this.background.delete(p);
      });
    this.background.add(p);
  }

  async markReported(attemptKey: string, rejected: string | undefined, log: Log): Promise<void> {
    if (rejected) log.error({ rejected }, 'the scheduler rejected the report; not retrying');
    for (let n = 0; n < 5; n++) {
      try {
        await this.claims.markReported(attemptKey, rejected);
        return;
      } catch (err) {
        // Left unmarked, the sweeper re-sends it later: a duplicate the scheduler ignores.
        if (n === 4) log.warn({ err: String(err) }, 'could not mark the claim reported');
        else await new Promise((r) => setTimeout(r, backoffMs(n)));
      }
    }
  }

  /** Waits for background reports up to `ms`, then abandons the rest (the sweeper has them). */
  async stop(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.background]),
      new Promise((r) => {
        timer = setTimeout(r, ms);
      }),
    ]);
    clearTimeout(timer);
    this.abort.abort();
    await Promise.allSettled([...this.background]);
  }
}

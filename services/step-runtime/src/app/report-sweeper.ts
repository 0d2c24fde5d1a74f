import { withTrace, type RedisClient } from '@baton/kit';
import { KEYS } from '../redis/keys.js';
import { tryTakeSweepLock } from '../redis/sweep-lock.js';
import type { ClaimsStore } from '../store/claims-store.js';
import type { Log } from './log.js';
import type { ReportDelivery } from './report-delivery.js';
import type { Reporter } from './reporter.js';

/** Claims looked at per sweep: the scan is bounded, a backlog drains over several sweeps. */
const SWEEP_BATCH = 100;

/**
 * Every `sweepMs`, one replica (a short Redis lock) re-sends results that were recorded but not
 * reported for `resendAfterMs` — their worker crashed, or the scheduler was away longer than the
 * worker kept trying. One call per claim per sweep; a failure waits for the next sweep.
 */
export class ReportSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly redis: RedisClient,
    private readonly claims: ClaimsStore,
    private readonly reporter: Reporter,
    private readonly delivery: ReportDelivery,
    private readonly opts: { sweepMs: number; resendAfterMs: number; holder: string },
    private readonly log: Log,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => {})
        .catch((err) => this.log.warn({ err: String(err) }, 'report sweep failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.opts.sweepMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; returns how many results were re-sent and answered. */
  async sweep(): Promise<number> {
    const ttl = Math.max(100, Math.floor(this.opts.sweepMs * 0.9));
    if (!(await tryTakeSweepLock(this.redis, KEYS.reportSweep, this.opts.holder, ttl))) return 0;
    const stale = await this.claims.findUnreported(
      new Date(Date.now() - this.opts.resendAfterMs),
      SWEEP_BATCH,
    );
    let sent = 0;
    for (const doc of stale) {
      if (!doc.result || !doc.target || this.delivery.inFlight.has(doc._id)) continue;
      const log = this.log.child({ attemptKey: doc._id });
      const req = this.reporter.fromRecord(
        doc._id,
        doc.target,
        doc.result,
        doc.worker ?? this.reporter.worker,
      );
      // In the attempt's trace (stored with its claim), though the attempt ran long ago or elsewhere.
      const res = await withTrace(doc.target.trace, () => this.reporter.deliver(req, { maxTries: 1 }));
      if (!res?.answered) {
        log.warn('re-sent report not answered; next sweep tries again');
        break; // the scheduler is away: the rest would fail too
      }
      log.info({ status: doc.result.status, applied: res.applied }, 'unreported result re-sent');
      await this.delivery.markReported(doc._id, res.rejected, log);
      sent++;
    }
    return sent;
  }
}

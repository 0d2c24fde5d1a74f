import type { RedisClient } from '@baton/kit';
import { claimExpired, logExpired, retentionCutoff } from '../domain/retention.js';
import { KEYS } from '../redis/keys.js';
import { tryTakeSweepLock } from '../redis/sweep-lock.js';
import { attemptKeyOfMeta } from '../domain/attempt-key.js';
import type { ArtifactsStore } from '../store/artifacts-store.js';
import type { ClaimsStore } from '../store/claims-store.js';
import type { LogsStore } from '../store/logs-store.js';
import type { Log } from './log.js';

export interface RetentionOptions {
  /** 0 = keep forever. */
  logRetentionDays: number;
  /** 0 = keep forever. */
  attemptRetentionDays: number;
  sweepMs: number;
  holder: string;
}

/** Claims read per pass, and log metas per pass (each meta brings its chunks along). */
const CLAIMS_PER_PASS = 1_000;
const LOGS_PER_PASS = 100;
/** Passes per sweep: a backlog (retention just switched on) drains over several sweeps. */
const MAX_PASSES = 50;
/** Pause between passes, so the database serves other work between the bursts of deletes. */
const PASS_PAUSE_MS = 50;

export interface RetentionSweep {
  logs: number;
  claims: number;
}

/**
 * Deletes what STEP_LOG_RETENTION_DAYS and STEP_ATTEMPT_RETENTION_DAYS let go: complete logs and
 * reported claims (and cancel tombstones) older than their cutoff. One replica at a time (a Redis
 * lock, liveness only: two sweeps at once delete the same documents twice, harmlessly). Each pass
 * deletes a bounded batch, so no sweep holds the event loop or the database for long.
 */
export class RetentionSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly logs: LogsStore,
    private readonly claims: ClaimsStore,
    private readonly artifacts: ArtifactsStore,
    private readonly opts: RetentionOptions,
    private readonly log: Log,
  ) {}

  get enabled(): boolean {
    return this.opts.logRetentionDays > 0 || this.opts.attemptRetentionDays > 0;
  }

  start(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then((n) => {
          if (n.logs + n.claims > 0) this.log.info(n, 'retention sweep deleted expired logs and claims');
        })
        .catch((err) => this.log.warn({ err: String(err) }, 'retention sweep failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.opts.sweepMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One sweep (when this replica takes the lock); counts what it deleted. */
  async sweep(now = Date.now()): Promise<RetentionSweep> {
    const done = { logs: 0, claims: 0 };
    const ttl = Math.max(100, Math.floor(this.opts.sweepMs * 0.9));
    if (!(await tryTakeSweepLock(this.redis, KEYS.retentionSweep, this.opts.holder, ttl))) return done;
    const logCutoff = retentionCutoff(this.opts.logRetentionDays, now);
    const claimCutoff = retentionCutoff(this.opts.attemptRetentionDays, now);
    for (let pass = 0; pass < MAX_PASSES && !this.stopping; pass++) {
      const logs = logCutoff ? await this.logsPass(logCutoff) : { deleted: 0, more: false };
      const claims = claimCutoff ? await this.claimsPass(claimCutoff) : { deleted: 0, more: false };
      done.logs += logs.deleted;
      done.claims += claims.deleted;
      if (!logs.more && !claims.more) break;
      await new Promise((r) => setTimeout(r, PASS_PAUSE_MS));
    }
    return done;
  }

  /** Deletes up to LOGS_PER_PASS expired logs; `more` when the batch was full. */
  private async logsPass(cutoff: Date): Promise<{ deleted: number; more: boolean }> {
    const metas = await this.logs.findExpiredMetas(cutoff, LOGS_PER_PASS);
    let deleted = 0;
    for (const meta of metas) {
      if (!logExpired(meta, cutoff)) continue; // the query says so; the rule is checked here too
      await this.artifacts.deleteMany([attemptKeyOfMeta(meta._id)]); // an attempt's kept file goes with its log
      await this.logs.deleteLog(meta);
      deleted++;
    }
    return { deleted, more: metas.length === LOGS_PER_PASS };
  }

  /** Deletes up to CLAIMS_PER_PASS expired claims (with their cancel markers). */
  private async claimsPass(cutoff: Date): Promise<{ deleted: number; more: boolean }> {
    const found = await this.claims.findExpired(cutoff, CLAIMS_PER_PASS);
    const keys = found.filter((c) => claimExpired(c, cutoff)).map((c) => c._id);
    const deleted = keys.length > 0 ? await this.claims.deleteClaims(keys) : 0;
    return { deleted, more: found.length === CLAIMS_PER_PASS };
  }
}

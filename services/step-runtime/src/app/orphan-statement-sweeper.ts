import type { JobSettings } from '../jobs/job.js';
import type { ClaimsStore } from '../store/claims-store.js';
import type { Log } from './log.js';

/**
 * Stops SQL statements that outlived their step-runtime. A `kill -9` leaves no one to cancel a
 * running statement; PostgreSQL notices the dead client by itself, MySQL and MariaDB run the
 * statement to its end. Every replica looks, every `sweepMs`, at the statements its MySQL
 * connections run: one tagged with an attempt that no longer runs anywhere (ended, or its lease
 * expired) is stopped with its server connection.
 */
export class OrphanStatementSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly jobs: JobSettings,
    private readonly claims: ClaimsStore,
    private readonly sweepMs: number,
    private readonly log: Log,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => {
        this.running = undefined;
      });
    }, this.sweepMs);
    this.timer.unref();
  }

  async sweep(): Promise<void> {
    try {
      const stopped = await this.jobs.sql.sweepOrphans((keys) => this.claims.liveAttempts(keys));
      if (stopped > 0) this.log.warn({ stopped }, 'stopped SQL statements of attempts that no longer run');
    } catch (err) {
      this.log.warn({ err: String(err) }, 'orphan statement sweep failed; next sweep retries');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

import type { JobSettings } from '../jobs/job.js';
import type { ClaimsStore } from '../store/claims-store.js';
import type { Log } from './log.js';

/**
 * Stops what outlived its step-runtime. A `kill -9` leaves no one to stop a step's container or
 * cancel its SQL statement (PostgreSQL notices the dead client by itself; MySQL and MariaDB run the
 * statement to its end). Every replica looks, every `sweepMs`, at the containers carrying the
 * attempt label and at the tagged statements of its MySQL connections: one whose attempt no longer
 * runs anywhere (ended, or its lease expired) is removed / stopped.
 */
export class OrphanSweeper {
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
    await this.stopOrphans('SQL statements', () => this.jobs.sql.taggedStatements());
    await this.stopOrphans('containers', () => this.jobs.docker.stepContainers());
  }

  /** Stops each of `found` whose attempt no longer runs (one claims read for all of them). */
  private async stopOrphans(
    what: string,
    found: () => Promise<{ attemptKey: string; stop: () => Promise<void> }[]>,
  ): Promise<void> {
    try {
      const items = await found();
      if (items.length === 0) return;
      const alive = await this.claims.liveAttempts([...new Set(items.map((i) => i.attemptKey))]);
      let stopped = 0;
      for (const item of items) {
        if (alive.has(item.attemptKey)) continue;
        await item.stop().catch(() => {}); // gone meanwhile
        stopped++;
      }
      if (stopped > 0) this.log.warn({ stopped }, `stopped ${what} of attempts that no longer run`);
    } catch (err) {
      this.log.warn({ err: String(err) }, `orphan ${what} sweep failed; next sweep retries`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

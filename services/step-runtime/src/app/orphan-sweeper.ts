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
    const live = (keys: string[]) => this.claims.liveAttempts(keys);
    try {
      const stopped = await this.jobs.sql.sweepOrphans(live);
      if (stopped > 0) this.log.warn({ stopped }, 'stopped SQL statements of attempts that no longer run');
    } catch (err) {
      this.log.warn({ err: String(err) }, 'orphan statement sweep failed; next sweep retries');
    }
    try {
      const containers = await this.jobs.docker.stepContainers();
      if (containers.length === 0) return;
      const alive = await live([...new Set(containers.map((c) => c.attemptKey))]);
      let removed = 0;
      for (const c of containers) {
        if (alive.has(c.attemptKey)) continue;
        await this.jobs.docker.remove(c.id).catch(() => {}); // removed meanwhile
        removed++;
      }
      if (removed > 0) this.log.warn({ removed }, 'removed containers of attempts that no longer run');
    } catch (err) {
      this.log.warn({ err: String(err) }, 'orphan container sweep failed; next sweep retries');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

import { duplicateClient } from '@baton/kit';
import type { RedisClient } from '@baton/kit';
import type { Logger } from 'pino';
import type { Coordination } from '../redis/coordination';
import { KEYS } from '../redis/keys';
import type { Engine } from './engine';
import type { Sweeper } from './sweeper';

export interface WorkerOptions {
  /** Ready-queue consumers in this replica (each on its own Redis connection). */
  concurrency: number;
  /** Due timers move to the ready queue this often. */
  timerTickMs: number;
  sweepEveryMs: number;
}

/**
 * The scheduler's background loops: ready-queue consumers that run the engine,
 * a timer pump, and the sweeper (one replica at a time, by a short Redis lock).
 */
export class Workers {
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  private readonly conns: RedisClient[] = [];
  private timer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  alive = true;

  constructor(
    private readonly redis: RedisClient,
    private readonly coord: Coordination,
    private readonly engine: Engine,
    private readonly sweeper: Sweeper,
    private readonly log: Logger,
    private readonly opts: WorkerOptions,
  ) {}

  start(): void {
    for (let i = 0; i < this.opts.concurrency; i++) {
      const conn = duplicateClient(this.redis);
      this.conns.push(conn);
      this.loops.push(this.consume(conn));
    }
    this.timer = setInterval(() => {
      this.coord.releaseDueTimers(Date.now()).catch(() => {});
    }, this.opts.timerTickMs);
    const sweep = async () => {
      if (this.stopping) return;
      const t0 = Date.now();
      try {
        if (
          (await this.redis.set(KEYS.sweeper, process.pid.toString(), 'PX', this.opts.sweepEveryMs, 'NX')) ===
          'OK'
        ) {
          await this.sweeper.sweep();
        }
      } catch (err) {
        this.log.warn({ err: String(err) }, 'sweep failed');
      }
      // A sweep reads every live run's head: when that takes long (thousands of live runs), sweep
      // less often, so that the sweeper never takes more than a fifth of the store's time.
      this.sweepTimer = setTimeout(sweep, Math.max(this.opts.sweepEveryMs, 4 * (Date.now() - t0)));
    };
    // The first sweep right away: a replica that starts after a Redis loss rebuilds it.
    this.sweepTimer = setTimeout(sweep, 0);
  }

  private async consume(conn: RedisClient): Promise<void> {
    while (!this.stopping) {
      let key: string | undefined;
      try {
        const popped = await conn.brpop(KEYS.ready, 1);
        key = popped?.[1];
      } catch (err) {
        if (this.stopping) return;
        this.log.debug({ err: String(err) }, 'ready queue unavailable');
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (!key) continue;
      try {
        const done = await this.engine.process(key);
        // Held by another replica: look again shortly (it may be finishing as this event landed).
        if (!done) await this.coord.setWake(key, Date.now() + 25);
      } catch (err) {
        this.log.error({ key, err }, 'processing failed; retrying later');
        await this.coord.setWake(key, Date.now() + 1000).catch(() => {});
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearTimeout(this.sweepTimer);
    await Promise.allSettled(this.loops);
    for (const c of this.conns) c.disconnect();
  }
}

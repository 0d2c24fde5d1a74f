import { randomUUID } from 'node:crypto';
import { CHANNELS, type RedisClient, duplicateClient } from '@baton/kit';
import type { Logger } from 'pino';
import type { Coordination } from '../redis/coordination';
import { KEYS } from '../redis/keys';
import type { LedgerEngine } from './ledger-engine';
import type { Sweeper } from './sweeper';
import type { TriggerRegistry } from './trigger-registry';

export interface WorkerOptions {
  /** Ready-queue consumers in this replica (each on its own Redis connection). */
  concurrency: number;
  /** Due wake-ups move to the ready queue this often (ms). */
  timerTickMs: number;
  sweepEveryMs: number;
  /** Incremental trigger sync from the definition service this often (ms). */
  syncEveryMs: number;
}

/**
 * The signal service's background loops: ready-queue consumers running the ledger engine, a
 * wake-up pump, the trigger sync (polled, and woken by the definition service's announcements),
 * and the sweeper (one replica at a time, by a short Redis lock).
 */
export class Workers {
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  private readonly conns: RedisClient[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private subscriber?: RedisClient;
  private readonly token = randomUUID();

  constructor(
    private readonly redis: RedisClient,
    private readonly coord: Coordination,
    private readonly engine: LedgerEngine,
    private readonly registry: TriggerRegistry,
    private readonly sweeper: Sweeper,
    private readonly log: Logger,
    private readonly opts: WorkerOptions,
  ) {}

  async start(): Promise<void> {
    // Triggers first, so the first sweep and the first publishes find them.
    await this.registry
      .sync()
      .catch((err) => this.log.warn({ err: String(err) }, 'first trigger sync failed'));
    for (let i = 0; i < this.opts.concurrency; i++) {
      const conn = duplicateClient(this.redis);
      this.conns.push(conn);
      this.loops.push(this.consume(conn));
    }
    this.timers.push(
      setInterval(() => {
        this.coord.releaseDue(Date.now()).catch(() => {});
      }, this.opts.timerTickMs),
      setInterval(() => {
        this.registry.sync().catch((err) => this.log.debug({ err: String(err) }, 'trigger sync failed'));
      }, this.opts.syncEveryMs),
    );
    this.subscriber = duplicateClient(this.redis);
    this.subscriber.on('message', () => {
      this.registry.sync().catch((err) => this.log.debug({ err: String(err) }, 'trigger sync failed'));
    });
    await this.subscriber.subscribe(CHANNELS.triggersChanged).catch(() => {});
    const sweep = async () => {
      if (this.stopping) return;
      try {
        if (await this.coord.trySweep(this.opts.sweepEveryMs, this.token)) await this.sweeper.sweep();
      } catch (err) {
        this.log.warn({ err: String(err) }, 'sweep failed');
      }
      if (!this.stopping) this.timers.push(setTimeout(sweep, this.opts.sweepEveryMs));
    };
    // The first sweep right away: a replica that starts after a crash or a Redis loss rebuilds it.
    this.timers.push(setTimeout(sweep, 0));
  }

  private async consume(conn: RedisClient): Promise<void> {
    while (!this.stopping) {
      let key: string | undefined;
      try {
        key = (await conn.brpop(KEYS.ready, 1))?.[1];
      } catch (err) {
        if (this.stopping) return;
        this.log.debug({ err: String(err) }, 'ready queue unavailable');
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (!key) continue;
      try {
        // Held by another replica: look again shortly (it may be finishing as this news landed).
        if (!(await this.engine.process(key))) await this.coord.setWakes([{ key, at: Date.now() + 50 }]);
      } catch (err) {
        this.log.warn({ key, err: String(err) }, 'processing failed; retrying later');
        await this.coord.setWakes([{ key, at: Date.now() + 1000 }]).catch(() => {});
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled(this.loops);
    // Effects still being performed finish if they can; any that do not are redone by the next loader.
    await this.engine.settle(5000);
    for (const c of this.conns) c.disconnect();
    this.subscriber?.disconnect();
  }
}

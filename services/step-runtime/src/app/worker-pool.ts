import type { Dependency } from '@baton/kit';
import type { QueueMessage, WorkQueue } from '../redis/work-queue.js';
import type { AttemptLifecycle } from './attempt-lifecycle.js';
import type { Log } from './log.js';
import type { RunningAttempts } from './running-attempts.js';

export interface WorkerPoolOptions {
  slots: number;
  /** Messages read but unacked this long by a consumer are taken over (XAUTOCLAIM). */
  reclaimIdleMs: number;
  /** XREADGROUP BLOCK time; also the loop's heartbeat period. Default 1 000 ms. */
  blockMs?: number;
}

/**
 * The consumer loop: reads as many messages as there are free slots, hands each to the
 * lifecycle, and periodically takes over messages that dead consumers read but never settled.
 * Readiness (`dependency`) follows the loop's heartbeat.
 */
export class WorkerPool {
  private free: number;
  private stopping = false;
  private loopDone?: Promise<void>;
  private lastBeat = Date.now();
  private wake?: () => void;
  private reclaimTimer?: NodeJS.Timeout;
  private readonly handling = new Set<Promise<void>>();
  private readonly blockMs: number;

  constructor(
    private readonly queue: WorkQueue,
    private readonly lifecycle: AttemptLifecycle,
    private readonly running: RunningAttempts,
    private readonly opts: WorkerPoolOptions,
    private readonly log: Log,
  ) {
    this.free = opts.slots;
    this.blockMs = opts.blockMs ?? 1_000;
  }

  readonly dependency: Dependency = {
    name: 'work-queue-consumer',
    healthy: () => !this.stopping && Date.now() - this.lastBeat < 10 * this.blockMs + 5_000,
    close: async () => {},
  };

  async start(): Promise<void> {
    await this.queue.ensureGroups();
    this.loopDone = this.loop();
    const every = Math.max(500, Math.min(10_000, Math.floor(this.opts.reclaimIdleMs / 3)));
    this.reclaimTimer = setInterval(() => void this.reclaim(), every);
  }

  /** Stops taking work (SIGTERM): attempts already running go on. */
  stopTaking(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.reclaimTimer) clearInterval(this.reclaimTimer);
    this.wake?.();
  }

  /**
   * Graceful stop: no new work; running attempts may finish for `graceMs`; then they are
   * cancelled (and reported PLATFORM_FAILED, so the scheduler retries them as new attempts) and
   * awaited.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopTaking();
    await this.loopDone;
    if (!(await this.settledWithin(graceMs)) && this.running.size > 0) {
      this.log.warn({ running: this.running.size }, 'grace period over; cancelling running attempts');
      this.running.cancelAll('the worker is shutting down');
    }
    await Promise.allSettled([...this.handling]);
  }

  private async settledWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), ms);
    });
    const all = Promise.allSettled([...this.handling]).then(() => true as const);
    const done = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return done;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.lastBeat = Date.now();
      if (this.free === 0) {
        await this.waitForSlot();
        continue;
      }
      try {
        const msgs = await this.queue.read(this.free, this.blockMs);
        failures = 0;
        for (const m of msgs) this.dispatch(m);
      } catch (err) {
        if (this.stopping) break;
        failures++;
        if (failures === 1 || failures % 30 === 0)
          this.log.warn({ err: String(err) }, 'reading the work queue failed');
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * failures)));
      }
    }
  }

  private waitForSlot(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, this.blockMs);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  private async reclaim(): Promise<void> {
    if (this.stopping || this.free === 0) return;
    try {
      const msgs = await this.queue.reclaim(this.free, this.opts.reclaimIdleMs);
      if (msgs.length > 0) this.log.info({ count: msgs.length }, 'took over unsettled work messages');
      for (const m of msgs) {
        if (this.free === 0 || this.stopping) break; // left pending: reclaimed again later
        this.dispatch(m);
      }
    } catch (err) {
      this.log.warn({ err: String(err) }, 'reclaiming work messages failed');
    }
  }

  private dispatch(msg: QueueMessage): void {
    this.free--;
    const p = this.lifecycle
      .handle(msg)
      .catch((err) =>
        this.log.error({ err: String(err), id: msg.id }, 'work message failed; left for redelivery'),
      )
      .finally(() => {
        this.free++;
        this.handling.delete(p);
        this.wake?.();
      });
    this.handling.add(p);
  }
}

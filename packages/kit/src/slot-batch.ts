import type { ChainableCommander } from 'ioredis';
import { type RedisClient, hashTagOf, isCluster } from './redis-client';

/** The replies of the commands one `add` queued: [error, value] each. */
export type Replies = [Error | null, unknown][];

interface Queued {
  m: ChainableCommander;
  from: number;
  to: number;
  onReplies?: (replies: Replies) => void;
}

/**
 * Commands over keys that may live on different hash slots, sent together.
 *
 * On one Redis everything goes into one MULTI, in the order added: one round trip, atomic, as
 * Baton always did. On a Redis Cluster a MULTI (or a script) may only touch one slot, so the
 * commands of each hash tag form their own MULTI, and the MULTIs of one step are sent at once. `next()` starts a new step, sent only after the previous one succeeded:
 * callers put first what must exist before the rest is seen (a run's pending event before the
 * run is marked ready), and say which sweeper repairs a crash between two steps.
 */
export class SlotBatch {
  private readonly single?: ChainableCommander;
  private readonly steps: Map<string, ChainableCommander>[] = [new Map()];
  private readonly queued: Queued[] = [];
  /** Commands a MULTI holds before any of ours (its MULTI itself): replies are counted from there. */
  private readonly base = new Map<ChainableCommander, number>();

  constructor(private readonly redis: RedisClient) {
    if (!isCluster(redis)) this.single = this.open();
  }

  private open(): ChainableCommander {
    const m = this.redis.multi();
    this.base.set(m, m.length);
    return m;
  }

  /**
   * Queues the commands `queue` adds, all on keys with the hash tag of `key` (a key-less command
   * such as PUBLISH may ride along with any key). `onReplies` gets their replies after exec.
   */
  add(key: string, queue: (m: ChainableCommander) => void, onReplies?: (replies: Replies) => void): this {
    let m = this.single;
    if (!m) {
      const step = this.steps[this.steps.length - 1]!;
      const tag = hashTagOf(key);
      m = step.get(tag);
      if (!m) {
        m = this.open();
        step.set(tag, m);
      }
    }
    const base = this.base.get(m)!;
    const from = m.length - base;
    queue(m);
    this.queued.push({ m, from, to: m.length - base, onReplies });
    return this;
  }

  /** What is added from now on is sent after what was added before (on a cluster; one MULTI keeps the order on one Redis). */
  next(): this {
    if (!this.single && this.steps[this.steps.length - 1]!.size > 0) this.steps.push(new Map());
    return this;
  }

  /** True when nothing was added. */
  get empty(): boolean {
    return this.queued.length === 0;
  }

  /**
   * Sends everything; throws the first error (after the step that had it, so later steps are not
   * sent). The replies of every MULTI that did commit reach their `onReplies` first, even when
   * another MULTI of the batch failed: what they did happened, and callers act on it.
   */
  async exec(): Promise<void> {
    if (this.queued.length === 0) return;
    const results = new Map<ChainableCommander, Replies>();
    const steps = this.single ? [[this.single]] : this.steps.map((s) => [...s.values()]);
    let failure: unknown;
    for (const step of steps) {
      const settled = await Promise.allSettled(step.map((m) => m.exec()));
      step.forEach((m, i) => {
        const r = settled[i]!;
        // null: the MULTI was discarded (EXECABORT is thrown instead; WATCH is not used here).
        if (r.status === 'rejected') failure ??= r.reason;
        else if (!r.value) failure ??= new Error('redis transaction discarded');
        else results.set(m, r.value as Replies);
      });
      failure ??= step.flatMap((m) => results.get(m) ?? []).find(([err]) => err)?.[0];
      if (failure) break;
    }
    for (const q of this.queued) {
      const replies = results.get(q.m);
      if (replies) q.onReplies?.(replies.slice(q.from, q.to));
    }
    if (failure) throw failure;
  }
}

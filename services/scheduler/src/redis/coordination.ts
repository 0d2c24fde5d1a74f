import { type RedisClient, SlotBatch, addChanges, publishChanges, tryLock, unlock } from '@baton/kit';
import type { ChangeEvent } from '@baton/proto';
import { KEYS } from './keys';

/**
 * Locks, queues and wake-ups in Redis. A lock is liveness only — the decision
 * insert in MongoDB is the safety fence — so a lost or doubled lock costs work,
 * never correctness.
 *
 * On one Redis each method is one MULTI. On a Redis Cluster a run's own keys (`{baton:run:<key>}`)
 * and the shared queues (`{baton}`) are different slots, so a method that touches both is two
 * steps (SlotBatch.next): the run's pending event first, then the ready queue or timer. A crash
 * between them leaves an event recorded in MongoDB whose run is not marked ready: the scheduler's
 * sweeper re-marks every unconsumed event pending and pushes its run to the ready queue
 * (app/sweeper.ts), exactly as after a crash before Redis was reached at all.
 */
export class Coordination {
  constructor(
    private readonly redis: RedisClient,
    /** SCHEDULER_CHANGE_EVENTS: off leaves the changes stream alone (no consumer, less Redis work). */
    private readonly changeEvents = true,
  ) {}

  async tryLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return tryLock(this.redis, KEYS.lock(key), token, ttlMs);
  }

  async unlock(key: string, token: string): Promise<void> {
    await unlock(this.redis, KEYS.lock(key), token);
  }

  async markReady(key: string, eventId?: string): Promise<void> {
    const b = new SlotBatch(this.redis);
    if (eventId) b.add(KEYS.pending(key), (m) => m.sadd(KEYS.pending(key), eventId)).next();
    b.add(KEYS.ready, (m) => m.lpush(KEYS.ready, key));
    await b.exec();
  }

  /** markReady for many instances, each with its new event, in one round trip. */
  async markReadyMany(items: readonly { key: string; eventId: string }[]): Promise<void> {
    if (items.length === 0) return;
    const b = new SlotBatch(this.redis);
    for (const it of items) b.add(KEYS.pending(it.key), (m) => m.sadd(KEYS.pending(it.key), it.eventId));
    b.next().add(KEYS.ready, (m) => m.lpush(KEYS.ready, ...new Set(items.map((it) => it.key))));
    await b.exec();
  }

  /**
   * Records a pending event without waking the instance now: its timer is set to `at` unless an
   * earlier wake-up is already set (ZADD LT). A decision before then — say, for the attempt's end —
   * consumes it along with the rest.
   */
  async markPendingBy(key: string, eventId: string, at: number): Promise<void> {
    const b = new SlotBatch(this.redis);
    b.add(KEYS.pending(key), (m) => m.sadd(KEYS.pending(key), eventId));
    b.next().add(KEYS.timers, (m) => m.zadd(KEYS.timers, 'LT', at, key));
    await b.exec();
  }

  /** Marks many instances ready, each with its new inbox (child) events, in one round trip. */
  async markInboxReady(items: { key: string; eventId: string }[]): Promise<void> {
    if (items.length === 0) return;
    const b = new SlotBatch(this.redis);
    for (const it of items) b.add(KEYS.inbox(it.key), (m) => m.sadd(KEYS.inbox(it.key), it.eventId));
    // A crash before the ready push: the sweeper re-marks unconsumed child_events and their runs ready.
    b.next().add(KEYS.ready, (m) => m.lpush(KEYS.ready, ...new Set(items.map((it) => it.key))));
    await b.exec();
  }

  /**
   * After children's heads are inserted, in one round trip: their first decisions' change events
   * (before anything can decide after them), their wake-ups, and the live ones marked ready. All
   * `{baton}` keys: one MULTI on a cluster too.
   */
  async childrenStarted(
    changes: readonly ChangeEvent[],
    wakes: readonly { key: string; at: number }[],
    ready: readonly string[],
  ): Promise<void> {
    if (changes.length + wakes.length + ready.length === 0) return;
    const m = this.redis.multi();
    if (this.changeEvents) addChanges(m, changes);
    if (wakes.length > 0) m.zadd(KEYS.timers, ...wakes.flatMap((w) => [w.at, w.key]));
    if (ready.length > 0) m.lpush(KEYS.ready, ...ready);
    await m.exec();
  }

  /** Marks instances ready without events (their heads were just inserted: look at them). */
  async nudge(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.lpush(KEYS.ready, ...keys);
  }

  /**
   * A run's pending event ids (`events`: instance_events, `inbox`: child_events), and the breakpoint epoch (read in the same round trip: a decision
   * that begins after a breakpoint change sees it, see Breakpoints).
   */
  async pendingIds(key: string): Promise<{ events: string[]; inbox: string[]; breakpoints: string | null }> {
    const [events, inbox, breakpoints] = await Promise.all([
      this.redis.smembers(KEYS.pending(key)),
      this.redis.smembers(KEYS.inbox(key)),
      this.redis.get(KEYS.breakpointEpoch),
    ]);
    return { events, inbox, breakpoints };
  }

  async hasPending(key: string): Promise<boolean> {
    const [events, inbox] = await Promise.all([
      this.redis.scard(KEYS.pending(key)),
      this.redis.scard(KEYS.inbox(key)),
    ]);
    return events + inbox > 0;
  }

  async forget(key: string, ids: string[], inbox: string[] = []): Promise<void> {
    if (ids.length === 0 && inbox.length === 0) return;
    // Both sets are the run's (`{baton:run:<key>}`): one slot.
    const m = this.redis.multi();
    if (ids.length > 0) m.srem(KEYS.pending(key), ...ids);
    if (inbox.length > 0) m.srem(KEYS.inbox(key), ...inbox);
    await m.exec();
  }

  /**
   * After a run's head is written: its wake-up (or none), the news for its watchers, and the
   * decision's change events, in one round trip: the timers and the change stream are both
   * `{baton}` (one slot on a cluster too), and PUBLISH names a channel, not a key.
   */
  async headWritten(
    key: string,
    at: number | undefined,
    changes: readonly ChangeEvent[] = [],
  ): Promise<void> {
    const m = this.redis.multi();
    if (at === undefined) m.zrem(KEYS.timers, key);
    else m.zadd(KEYS.timers, at, key);
    m.publish(KEYS.runChanged(key), '1');
    if (this.changeEvents) addChanges(m, changes);
    await m.exec();
  }

  /** Change events on their own (a decision whose head waits for the next one, new runs). */
  publishChanges(changes: readonly ChangeEvent[]): Promise<void> {
    return this.changeEvents ? publishChanges(this.redis, changes) : Promise.resolve();
  }

  async setWake(key: string, at: number | undefined): Promise<void> {
    if (at === undefined) await this.redis.zrem(KEYS.timers, key);
    else await this.redis.zadd(KEYS.timers, at, key);
  }

  /** Sets many wake-ups in one round trip. */
  async setWakes(wakes: { key: string; at: number }[]): Promise<void> {
    if (wakes.length > 0) await this.redis.zadd(KEYS.timers, ...wakes.flatMap((w) => [w.at, w.key]));
  }

  /** Moves instances whose wake-up is due to the ready queue. */
  async releaseDueTimers(now: number, max = 1000): Promise<number> {
    const due = await this.redis.zrangebyscore(KEYS.timers, 0, now, 'LIMIT', 0, max);
    if (due.length === 0) return 0;
    // Both `{baton}`: one MULTI on a cluster too, so a due run is never dropped between the two.
    const m = this.redis.multi();
    m.zrem(KEYS.timers, ...due);
    m.lpush(KEYS.ready, ...due);
    await m.exec();
    return due.length;
  }
}

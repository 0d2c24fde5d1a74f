import { type RedisClient, SlotBatch, tryLock, unlock } from '@baton/kit';
import { KEYS } from './keys';

/**
 * Locks, the ready queue, wake-ups and the name → waits index. A lock is liveness only — the
 * ledger insert in MongoDB is the fence — so a lost or doubled lock costs work, never correctness.
 */
export class Coordination {
  constructor(private readonly redis: RedisClient) {}

  async tryLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return tryLock(this.redis, KEYS.lock(key), token, ttlMs);
  }

  async unlock(key: string, token: string): Promise<void> {
    await unlock(this.redis, KEYS.lock(key), token);
  }

  async nudge(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.lpush(KEYS.ready, ...new Set(keys));
  }

  async setWakes(wakes: readonly { key: string; at: number }[]): Promise<void> {
    if (wakes.length > 0) await this.redis.zadd(KEYS.timers, ...wakes.flatMap((w) => [w.at, w.key]));
  }

  /** Moves keys whose wake-up is due to the ready queue. */
  async releaseDue(now: number, max = 1000): Promise<number> {
    const due = await this.redis.zrangebyscore(KEYS.timers, 0, now, 'LIMIT', 0, max);
    if (due.length === 0) return 0;
    // Both `{sig}`: one MULTI on a Redis Cluster too.
    const m = this.redis.multi();
    m.zrem(KEYS.timers, ...due);
    m.lpush(KEYS.ready, ...due);
    await m.exec();
    return due.length;
  }

  /**
   * Adds a wait to the set of each name it waits on. On a Redis Cluster each name is a slot of its
   * own (one MULTI per name, sent together): a crash part-way leaves some names without the wait,
   * which the signal sweeper puts back from `signal_waits` (app/sweeper.ts).
   */
  async addWait(waitKey: string, names: readonly string[]): Promise<void> {
    const b = new SlotBatch(this.redis);
    for (const n of names) b.add(KEYS.waits(n), (m) => m.sadd(KEYS.waits(n), waitKey));
    await b.exec();
  }

  /** Takes a wait out of its names' sets (a wait left behind only reports a match that is ignored). */
  async removeWait(waitKey: string, names: readonly string[]): Promise<void> {
    const b = new SlotBatch(this.redis);
    for (const n of names) b.add(KEYS.waits(n), (m) => m.srem(KEYS.waits(n), waitKey));
    await b.exec();
  }

  /** Wait keys waiting on each of these names, in one round trip (per master on a cluster). */
  async waitsOn(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const out: string[] = [];
    const b = new SlotBatch(this.redis);
    for (const n of names)
      b.add(
        KEYS.waits(n),
        (m) => m.smembers(KEYS.waits(n)),
        ([[err, v]]) => {
          if (!err) out.push(...(v as string[]));
        },
      );
    await b.exec();
    return out;
  }

  async trySweep(ttlMs: number, token: string): Promise<boolean> {
    return (await this.redis.set(KEYS.sweeper, token, 'PX', ttlMs, 'NX')) === 'OK';
  }
}

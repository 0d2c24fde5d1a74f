import { tryLock, unlock } from '@baton/kit';
import type { Redis } from 'ioredis';
import { KEYS } from './keys';

/**
 * Locks, the ready queue, wake-ups and the name → waits index. A lock is liveness only — the
 * ledger insert in MongoDB is the fence — so a lost or doubled lock costs work, never correctness.
 */
export class Coordination {
  constructor(private readonly redis: Redis) {}

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
    const m = this.redis.multi();
    m.zrem(KEYS.timers, ...due);
    m.lpush(KEYS.ready, ...due);
    await m.exec();
    return due.length;
  }

  async addWait(waitKey: string, names: readonly string[]): Promise<void> {
    const m = this.redis.multi();
    for (const n of names) m.sadd(KEYS.waits(n), waitKey);
    await m.exec();
  }

  async removeWait(waitKey: string, names: readonly string[]): Promise<void> {
    const m = this.redis.multi();
    for (const n of names) m.srem(KEYS.waits(n), waitKey);
    await m.exec();
  }

  /** Wait keys waiting on each of these names, in one round trip. */
  async waitsOn(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const m = this.redis.multi();
    for (const n of names) m.smembers(KEYS.waits(n));
    const res = (await m.exec()) ?? [];
    return res.flatMap(([err, v]) => (err ? [] : (v as string[])));
  }

  async trySweep(ttlMs: number, token: string): Promise<boolean> {
    return (await this.redis.set(KEYS.sweeper, token, 'PX', ttlMs, 'NX')) === 'OK';
  }
}

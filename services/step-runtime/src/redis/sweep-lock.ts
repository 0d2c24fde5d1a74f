import type { RedisClient } from '@baton/kit';

/**
 * A short lock so one replica at a time runs a sweep. Liveness only: two sweepers at once would
 * only send some reports twice, which the scheduler ignores. It expires on its own (no release),
 * so a sweep runs about once per ttl across all replicas.
 */
export async function tryTakeSweepLock(
  redis: RedisClient,
  key: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  return (await redis.set(key, holder, 'PX', ttlMs, 'NX')) === 'OK';
}

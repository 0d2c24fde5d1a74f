import type { RedisClient } from './redis-client';

// Compare-and-delete: only the holder releases its lock (a lock that lapsed and was taken by
// another replica must not be released by the old holder).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A Redis lock held by `token` for `ttlMs`. Liveness only: in Baton a lock decides who *should*
 * act; the unique-id insert in MongoDB decides who did (docs/architecture.md, Stores), so a lost or doubled lock
 * costs work, never correctness.
 */
export async function tryLock(
  redis: RedisClient,
  key: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK';
}

/** Releases `key` if `token` still holds it. */
export async function unlock(redis: RedisClient, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}

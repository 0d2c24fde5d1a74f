import type { Redis } from 'ioredis';
import { SHARED_KEYS } from '@baton/kit';

export interface QueueStat {
  pool: string;
  /** Messages step-runtime has not taken yet. */
  depth: number;
  /** Age of the oldest of them (s); 0 when none waits. */
  oldestAgeSeconds: number;
}

/** At most this many pools are reported: a scrape stays a handful of round trips. */
const MAX_POOLS = 200;

/**
 * What waits in each pool's work stream, read from the stream itself: the consumer group's lag
 * (entries after its last delivered id) and the time in the id of the first of them (stream ids
 * are milliseconds). Entries handed out and not yet acknowledged are step-runtime's, not queued.
 */
export async function queueStats(redis: Redis, now = Date.now()): Promise<QueueStat[]> {
  const prefix = SHARED_KEYS.work('');
  const streams: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    streams.push(...keys);
  } while (cursor !== '0' && streams.length < MAX_POOLS);
  return Promise.all(streams.slice(0, MAX_POOLS).map((s) => streamStat(redis, s, prefix, now)));
}

async function streamStat(redis: Redis, stream: string, prefix: string, now: number): Promise<QueueStat> {
  const pool = stream.slice(prefix.length);
  const groups = (await redis.call('XINFO', 'GROUPS', stream).catch(() => [])) as unknown[][];
  const group = groups.map(fieldsOf).find((g) => g.name === SHARED_KEYS.workGroup);
  // No group yet: no step-runtime ever read this pool, so everything in it waits.
  const after = group ? `(${String(group['last-delivered-id'])}` : '-';
  const first = (await redis.xrange(stream, after, '+', 'COUNT', 1)) as [string, string[]][];
  if (first.length === 0) return { pool, depth: 0, oldestAgeSeconds: 0 };
  const depth =
    group && typeof group.lag === 'number' ? group.lag : await countAfter(redis, stream, first[0]![0]);
  const since = Number(first[0]![0].split('-')[0]);
  return { pool, depth, oldestAgeSeconds: Math.max(0, (now - since) / 1000) };
}

/** Redis leaves `lag` empty when it cannot tell (after deletions): count the entries (up to 10,000). */
async function countAfter(redis: Redis, stream: string, firstId: string): Promise<number> {
  const ids = (await redis.xrange(stream, firstId, '+', 'COUNT', 10_000)) as unknown[];
  return ids.length;
}

function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
  return o;
}

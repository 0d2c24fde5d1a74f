import { type RedisClient, SHARED_KEYS, scanKeys } from '@baton/kit';

export interface QueueStat {
  pool: string;
  /** Messages step-runtime has not taken yet. */
  depth: number;
  /** Age of the oldest of them (s); 0 when none waits. */
  oldestAgeSeconds: number;
}

/** What follows the pool in a work stream's name (the end of its hash tag). */
const WORK_SUFFIX = '}';
/** At most this many pools are reported: a scrape stays a handful of round trips. */
const MAX_POOLS = 200;
/** How often the pool list is looked up in Redis (a SCAN walks the whole keyspace). */
const RESCAN_MS = 5 * 60_000;

/** Pools this process dispatched to, and the last full look-up (see queueStats). */
const seen = new Set<string>();
let scannedAt = Number.NEGATIVE_INFINITY;

/** Called for each dispatch: a pool a scrape must report (a Set add; no Redis call). */
export function notePool(pool: string): void {
  if (seen.size < MAX_POOLS) seen.add(pool);
}

/**
 * What waits in each pool's work stream, read from the stream itself: the consumer group's lag
 * (entries after its last delivered id) and the time in the id of the first of them (stream ids
 * are milliseconds). Entries handed out and not yet acknowledged are step-runtime's, not queued.
 * The pools are those this replica dispatched to, plus what a SCAN found at most every five
 * minutes (pools other replicas fill): a scrape costs a few calls per pool, not a keyspace walk.
 */
export async function queueStats(redis: RedisClient, now = Date.now()): Promise<QueueStat[]> {
  const prefix = SHARED_KEYS.work('').slice(0, -WORK_SUFFIX.length);
  if (now - scannedAt >= RESCAN_MS) {
    scannedAt = now;
    await scanKeys(redis, `${prefix}*${WORK_SUFFIX}`, 1000, (keys) => {
      for (const k of keys) notePool(poolOf(k, prefix));
      return seen.size < MAX_POOLS;
    });
  }
  return Promise.all([...seen].map((pool) => streamStat(redis, SHARED_KEYS.work(pool), prefix, now)));
}

async function streamStat(
  redis: RedisClient,
  stream: string,
  prefix: string,
  now: number,
): Promise<QueueStat> {
  const pool = poolOf(stream, prefix);
  const groups = (await redis.call('XINFO', 'GROUPS', stream).catch(() => [])) as unknown[][];
  const group = groups.map(fieldsOf).find((g) => g.name === SHARED_KEYS.workGroup);
  // No group yet: no step-runtime ever read this pool, so everything in it waits.
  const after = group ? `(${String(group['last-delivered-id'])}` : '-';
  const first = (await redis.xrange(stream, after, '+', 'COUNT', 1)) as [string, string[]][];
  if (first.length === 0) return { pool, depth: 0, oldestAgeSeconds: 0 };
  // Redis leaves `lag` empty when it cannot tell (after deletions): every entry left in the
  // stream is then counted, less those handed out and not yet acknowledged.
  const depth =
    group && typeof group.lag === 'number'
      ? group.lag
      : Math.max(0, (await redis.xlen(stream)) - (group ? Number(group.pending ?? 0) : 0));
  const since = Number(first[0]![0].split('-')[0]);
  return { pool, depth, oldestAgeSeconds: Math.max(0, (now - since) / 1000) };
}

/** The pool of a work stream's name (`{baton:work:<pool>}`). */
function poolOf(stream: string, prefix: string): string {
  return stream.slice(prefix.length, stream.length - WORK_SUFFIX.length);
}

function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
  return o;
}

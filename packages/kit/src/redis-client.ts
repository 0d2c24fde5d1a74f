import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { parseClusterUrl } from './redis-url';

/**
 * The Redis client every service codes against: one `Redis` (a single server, today's default) or
 * a `Cluster` (a Redis Cluster). Both speak the same commands; what differs is handled in the kit:
 * a MULTI or script must touch one hash slot on a cluster (SlotBatch groups commands by hash tag),
 * SCAN walks each master (scanKeys), and connections for blocking reads and pub/sub come from
 * `duplicate()` on either.
 */
export type RedisClient = Redis | Cluster;

export { type ClusterTarget, MAX_CLUSTER_SEEDS, parseClusterUrl } from './redis-url';

export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/**
 * Creates the client `url` names, not yet connected (`connect()` it): a Cluster for a
 * `redis+cluster://` URL, else one Redis exactly as before. `options` apply to every connection.
 */
export function createRedisClient(url: string, options: RedisOptions = {}): RedisClient {
  const cluster = parseClusterUrl(url);
  if (!cluster) return new Redis(url, options);
  const redisOptions: RedisOptions = { ...options };
  if (cluster.username) redisOptions.username = cluster.username;
  if (cluster.password) redisOptions.password = cluster.password;
  if (cluster.tls) redisOptions.tls = {};
  const clusterOptions: ClusterOptions = {
    redisOptions,
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    // Commands issued in the same tick go to each master as one pipeline: a batch of per-slot
    // MULTIs (SlotBatch) or Promise.all of reads costs one round trip per master, not per command.
    enableAutoPipelining: true,
    // Slots move and masters fail over: retry a command on its slot's new owner for a while.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    clusterRetryStrategy: (times: number) => Math.min(100 + times * 100, 2000),
  };
  return new Cluster(cluster.nodes, clusterOptions);
}

/**
 * A new client to the same Redis or cluster, with the same options: for a blocking read or a
 * subscription, which hold their connection.
 */
export function duplicateClient(redis: RedisClient): RedisClient {
  return isCluster(redis) ? redis.duplicate() : redis.duplicate();
}

/**
 * The key part Redis Cluster hashes: the text between the first `{` and the next `}` when that is
 * not empty, else the whole key. Keys with the same tag share a slot (and may share a MULTI).
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

/**
 * Walks the keys matching `match` with SCAN (on a cluster: on every master, one after another)
 * and hands each page to `visit`. Stops early when `visit` returns false.
 */
export async function scanKeys(
  redis: RedisClient,
  match: string,
  count: number,
  visit: (keys: string[]) => unknown,
): Promise<void> {
  const nodes: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
      cursor = next;
      if (keys.length > 0 && (await visit(keys)) === false) return;
    } while (cursor !== '0');
  }
}

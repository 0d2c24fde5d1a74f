import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/**
 * The Redis client every service codes against: one `Redis` (a single server, today's default) or
 * a `Cluster` (a Redis Cluster). Both speak the same commands; what differs is handled in the kit:
 * a MULTI or script must touch one hash slot on a cluster (SlotBatch groups commands by hash tag),
 * SCAN walks each master (scanKeys), and connections for blocking reads and pub/sub come from
 * `duplicate()` on either.
 */
export type RedisClient = Redis | Cluster;

export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/** The URL schemes that name a Redis Cluster: seed nodes, comma-separated. */
const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//;

/** At most this many seed nodes in a cluster URL (a few suffice: the client discovers the rest). */
export const MAX_CLUSTER_SEEDS = 32;

export interface ClusterTarget {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * Parses `redis+cluster://[user:password@]host:port[,host:port...]` (`rediss+cluster://` for TLS)
 * into its seed nodes and credentials; undefined for any other URL (a single Redis). Throws an
 * Error naming what is wrong with a cluster URL.
 */
export function parseClusterUrl(url: string): ClusterTarget | undefined {
  const m = CLUSTER_SCHEME.exec(url);
  if (!m) return undefined;
  const rest = url.slice(m[0].length).replace(/\/+$/, '');
  const at = rest.lastIndexOf('@');
  const userinfo = at >= 0 ? rest.slice(0, at) : '';
  const hostList = at >= 0 ? rest.slice(at + 1) : rest;
  const seeds = hostList.split(',');
  if (seeds.length > MAX_CLUSTER_SEEDS) throw new Error(`at most ${MAX_CLUSTER_SEEDS} seed nodes`);
  const nodes = seeds.map((seed) => {
    const hp = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(seed);
    const port = hp ? Number(hp[2]) : 0;
    if (!hp || port < 1 || port > 65535)
      throw new Error(`seed node ${JSON.stringify(seed)} is not host:port`);
    return { host: hp[1]!.replace(/^\[|\]$/g, ''), port };
  });
  const target: ClusterTarget = { nodes, tls: m[1] === 'rediss' };
  if (userinfo) {
    // Decoded as a URL's userinfo is (percent-encoding), through the URL parser itself.
    const u = new URL(`redis://${userinfo}@h`);
    if (u.username) target.username = decodeURIComponent(u.username);
    if (u.password) target.password = decodeURIComponent(u.password);
  }
  return target;
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

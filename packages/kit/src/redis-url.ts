// The Redis URL forms, parsed without loading ioredis: config.ts checks REDIS_URL from here, and
// telemetry.ts loads config before the ioredis instrumentation is registered — importing the
// client there would load ioredis unpatched (no Redis spans).
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

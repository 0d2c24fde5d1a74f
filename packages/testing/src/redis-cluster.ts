// A private Redis Cluster: three redis-server masters in cluster mode on loopback ports, no
// replicas, no persistence (each keeps only its nodes.conf, so a restarted master rejoins with
// its slots and no data, as a flushed single Redis would).
import { join } from 'node:path';
import { type RedisHandle, startRedis, withRedis } from './redis';
import { makeOwnDir, removeOwnDir } from './process';
import { errorMessage, freePort, waitFor } from './wait';

export interface RedisClusterOptions {
  /** Masters (default 3); the 16384 slots are split evenly between them. */
  masters?: number;
  /** Parent dir for the nodes' dirs; default a fresh temp dir, deleted by stop(). */
  dir?: string;
  /** How long a master may be unreachable before the others mark it failed (default 2 000 ms). */
  nodeTimeoutMs?: number;
  /** Deadline for the cluster to report cluster_state:ok (default 30 000 ms). */
  readyTimeoutMs?: number;
}

/**
 * A cluster, shaped as a single Redis handle so a stack can use either: `url` is the
 * `redis+cluster://` seed list; kill9/restart/flushAll act on every master. `nodes` are the
 * masters, to kill or restart one.
 */
export interface RedisClusterHandle extends RedisHandle {
  nodes: RedisHandle[];
  /** Waits until every master answers cluster_state:ok. */
  waitReady(timeoutMs?: number): Promise<void>;
}

const SLOTS = 16384;

/** One cluster-mode redis-server on a free port and a free bus port (retried if either was taken). */
async function startNode(
  dir: string,
  nodeTimeoutMs: number,
): Promise<{ node: RedisHandle; busPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const [port, busPort] = [await freePort(), await freePort()];
    try {
      const node = await startRedis({
        port,
        dir,
        extraArgs: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          '--cluster-port',
          String(busPort),
        ],
      });
      return { node, busPort };
    } catch (err) {
      if (!/address already in use/i.test(errorMessage(err)) || attempt >= 5) throw err;
    }
  }
}

/** True when every node says cluster_state:ok and knows all of them. */
async function clusterOk(nodes: RedisHandle[]): Promise<boolean> {
  for (const n of nodes) {
    const info = await withRedis(n.port, (r) => r.cluster('INFO')).catch(() => '');
    if (!/cluster_state:ok/.test(String(info))) return false;
    if (!new RegExp(`cluster_known_nodes:${nodes.length}\\b`).test(String(info))) return false;
  }
  return true;
}

export async function startRedisCluster(opts: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const count = opts.masters ?? 3;
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? makeOwnDir('baton-redis-cluster-');
  const nodeTimeoutMs = opts.nodeTimeoutMs ?? 2000;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const nodes: RedisHandle[] = [];
  const busPorts: number[] = [];
  const waitReady = (timeoutMs = readyTimeoutMs) =>
    waitFor(() => clusterOk(nodes), { timeoutMs, intervalMs: 100, what: 'redis cluster_state:ok' });
  try {
    for (let i = 0; i < count; i++) {
      const { node, busPort } = await startNode(join(dir, `node-${i}`), nodeTimeoutMs);
      nodes.push(node);
      busPorts.push(busPort);
    }
    // Slots split evenly, then every node meets the first: gossip spreads the rest.
    await Promise.all(
      nodes.map((n, i) =>
        withRedis(n.port, async (r) => {
          const from = Math.floor((SLOTS * i) / count);
          const to = Math.floor((SLOTS * (i + 1)) / count) - 1;
          await r.call('CLUSTER', 'ADDSLOTSRANGE', from, to);
          // The bus port is named: it is not the default port + 10000 (which may not exist).
          if (i > 0) await r.call('CLUSTER', 'MEET', '127.0.0.1', nodes[0]!.port, busPorts[0]!);
        }),
      ),
    );
    await waitReady();
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    if (ownDir) removeOwnDir(dir);
    throw err;
  }
  const first = nodes[0]!;
  return {
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    port: first.port,
    dir,
    nodes,
    waitReady,
    get startMs() {
      return Math.max(...nodes.map((n) => n.startMs));
    },
    get pid() {
      return first.pid;
    },
    async stop() {
      await Promise.allSettled(nodes.map((n) => n.stop()));
      if (ownDir) removeOwnDir(dir);
    },
    kill9() {
      for (const n of nodes) n.kill9();
    },
    /** Every master stopped and started again: the cluster comes back with its slots and no data. */
    async restart() {
      await Promise.all(nodes.map((n) => n.restart()));
      await waitReady();
    },
    async flushAll() {
      await Promise.all(nodes.map((n) => n.flushAll()));
    },
  };
}

// A private redis-server per handle: no persistence, loopback only.
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { FatalWaitError, errorMessage, freePort, waitFor, withDeadline } from './wait';
import { type Proc, failure, killGroup, makeOwnDir, removeOwnDir, startProc, stopProc } from './process';

export interface RedisOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Working dir; default: a fresh temp dir, deleted by stop(). Nothing is persisted either way. */
  dir?: string;
  /** redis-server binary (default: `redis-server` on PATH). */
  binary?: string;
  /** Readiness deadline per start (default 15 000 ms). */
  startTimeoutMs?: number;
  /** More redis-server arguments (e.g. cluster mode, see startRedisCluster). */
  extraArgs?: string[];
}

export interface RedisHandle {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  kill9(): void;
  /** Stop and start on the same port. Redis runs without persistence, so restart loses all data. */
  restart(): Promise<void>;
  flushAll(): Promise<void>;
  /** Milliseconds the last start took until the first PONG. */
  readonly startMs: number;
  /** pid (= process group id) of the running redis-server; undefined when not running. */
  readonly pid: number | undefined;
}

export async function withRedis<T>(port: number, fn: (r: Redis) => Promise<T>, timeoutMs = 1000): Promise<T> {
  const r = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  r.on('error', () => {}); // errors surface through the awaited calls
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisHandle> {
  const binary = opts.binary ?? 'redis-server';
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? makeOwnDir('baton-redis-');
  mkdirSync(dir, { recursive: true });
  const timeoutMs = opts.startTimeoutMs ?? 15_000;
  let port = opts.port ?? 0;
  let proc: Proc | undefined;
  let startMs = 0;

  const startOnce = async (): Promise<void> => {
    const t0 = Date.now();
    const p = startProc(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
        '--logfile',
        '',
        ...(opts.extraArgs ?? []),
      ],
      'redis-server',
    );
    proc = p;
    try {
      // Our own process must say it is listening first: a bare PING could reach someone else's redis.
      await withDeadline(
        p.stdoutLine(/Ready to accept connections/),
        timeoutMs,
        'no "Ready to accept connections" line',
      );
      await waitFor(
        async () => {
          if (p.exitInfo() !== undefined)
            throw new FatalWaitError(failure('redis-server', p, 'exited during start'));
          return (await withRedis(port, (r) => r.ping(), 500)) === 'PONG';
        },
        { timeoutMs, intervalMs: 25, what: `redis PING on 127.0.0.1:${port}` },
      );
    } catch (err) {
      const e =
        err instanceof Error && err.message.startsWith('redis-server:')
          ? err
          : failure('redis-server', p, 'did not become ready', err);
      await stopProc(p, 2000);
      throw e;
    }
    startMs = Date.now() - t0;
  };

  const start = async (fixedPort: boolean): Promise<void> => {
    // A port from freePort() can be taken by someone else before redis binds it: retry with another.
    for (let attempt = 1; ; attempt++) {
      if (!fixedPort) port = await freePort();
      try {
        return await startOnce();
      } catch (err) {
        const inUse = /address already in use/i.test(errorMessage(err));
        if (fixedPort || !inUse || attempt >= 5) throw err;
      }
    }
  };

  try {
    await start(opts.port !== undefined);
  } catch (err) {
    if (ownDir) removeOwnDir(dir);
    throw err;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get startMs() {
      return startMs;
    },
    get pid() {
      return proc && proc.exitInfo() === undefined ? proc.child.pid : undefined;
    },
    async stop() {
      if (proc) await stopProc(proc, 10_000);
      if (ownDir) removeOwnDir(dir);
    },
    kill9() {
      if (proc && proc.exitInfo() === undefined) killGroup(proc.child, 'SIGKILL');
    },
    async restart() {
      if (proc) {
        if (proc.exitInfo() === undefined) await stopProc(proc, 10_000);
        await proc.exited;
      }
      await start(true);
    },
    async flushAll() {
      await withRedis(port, async (r) => {
        await r.flushall();
      });
    },
  };
}

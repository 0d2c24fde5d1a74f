// @baton/testing: the hermetic environment for Baton's test suites and local stack.
// Starts FerretDB (our embedded launcher, SQLite backend) and redis-server as child processes on
// loopback ports with temp data dirs, waits until they answer, and guarantees no strays: every child
// runs in its own process group and is SIGKILLed when this process exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';

// ---------------------------------------------------------------------------------------------
// waitFor / freePort

export interface WaitForOptions {
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Pause between polls (default 50 ms). */
  intervalMs?: number;
  /** What is being waited for; named in the timeout error. */
  what: string;
}

/**
 * Polls `cond` until it returns true, or throws once `timeoutMs` has passed. A `cond` that throws
 * counts as "not yet"; the last such error is quoted in the timeout error.
 */
export async function waitFor(cond: () => Promise<boolean> | boolean, opts: WaitForOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await cond()) return;
    } catch (err) {
      if (err instanceof FatalWaitError) throw err.cause;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${errorMessage(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}${why}`);
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** Thrown inside a waitFor condition to stop waiting at once (e.g. the process died). */
class FatalWaitError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
  declare cause: Error;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bound to :0, read, closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('freePort: no TCP address'));
        return;
      }
      srv.close((err) => (err ? reject(err) : resolve(addr.port)));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Child process bookkeeping

const live = new Set<ChildProcess>();
/** Temp dirs we created; removed on exit if stop() was never called. */
const ownDirs = new Set<string>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
  for (const dir of ownDirs) rmSync(dir, { recursive: true, force: true });
  ownDirs.clear();
}

function makeOwnDir(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  ownDirs.add(dir);
  return dir;
}

function removeOwnDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  ownDirs.delete(dir);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllNow);
  // A signal that nobody else handles would kill us without running 'exit' handlers: kill the
  // children, then die of the same signal as before.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/** How many children started here are still running (for tests of this package). */
export function liveChildCount(): number {
  return live.size;
}

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
  /** Exit description once it has exited, else undefined. */
  exitInfo(): string | undefined;
  /** Last lines of stdout+stderr. */
  tail(): string;
  /** Resolves with the first stdout line that matches, rejects if the process exits first. */
  stdoutLine(re: RegExp): Promise<RegExpMatchArray>;
}

const TAIL_BYTES = 8192;

function startProc(cmd: string, args: string[], label: string): Proc {
  installExitHook();
  const child = spawn(cmd, args, {
    detached: true, // own process group, so kill(-pid) takes everything with it
    stdio: ['pipe', 'pipe', 'pipe'],
    env: process.env,
  });
  live.add(child);
  let out = '';
  let info: string | undefined;
  const lineWaiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] =
    [];
  let stdoutBuf = '';
  const append = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (out.length > TAIL_BYTES) out = out.slice(out.length - TAIL_BYTES);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    append(chunk);
    stdoutBuf += chunk.toString('utf8');
    let nl = stdoutBuf.indexOf('\n');
    while (nl >= 0) {
      const line = stdoutBuf.slice(0, nl);
      stdoutBuf = stdoutBuf.slice(nl + 1);
      for (let i = lineWaiters.length - 1; i >= 0; i--) {
        const w = lineWaiters[i];
        const m = line.match(w.re);
        if (m) {
          lineWaiters.splice(i, 1);
          w.resolve(m);
        }
      }
      nl = stdoutBuf.indexOf('\n');
    }
    if (stdoutBuf.length > TAIL_BYTES) stdoutBuf = stdoutBuf.slice(-TAIL_BYTES);
  });
  child.stderr?.on('data', append);
  // The launcher exits when its stdin closes, i.e. also when we are SIGKILLed.
  child.stdin?.on('error', () => {});
  const exited = new Promise<void>((resolve) => {
    const done = (desc: string): void => {
      if (info !== undefined) return;
      info = desc;
      live.delete(child);
      for (const w of lineWaiters.splice(0)) w.reject(new Error(`${label} ${desc}`));
      resolve();
    };
    child.on('error', (err) => done(`failed to start: ${err.message}`));
    child.on('exit', (code, signal) => done(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  });
  // Never keep the event loop alive just for a child: a test that forgets stop() must still end
  // (the exit hook then kills the child).
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) {
    (s as unknown as { unref?: () => void } | null)?.unref?.();
  }
  return {
    child,
    exited,
    exitInfo: () => info,
    tail: () => out.trimEnd(),
    stdoutLine: (re) =>
      new Promise((resolve, reject) => {
        if (info !== undefined) reject(new Error(`${label} ${info}`));
        else lineWaiters.push({ re, resolve, reject });
      }),
  };
}

/** SIGTERM the group, wait up to `graceMs`, then SIGKILL. */
async function stopProc(p: Proc, graceMs: number): Promise<void> {
  if (p.exitInfo() !== undefined) return;
  killGroup(p.child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    p.exited.then(() => false),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(true), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    killGroup(p.child, 'SIGKILL');
    await p.exited;
  }
}

function failure(label: string, p: Proc, what: string, cause?: unknown): Error {
  const exit = p.exitInfo();
  const tail = p.tail();
  const lines = [
    `${label}: ${what}${exit ? ` (process ${exit})` : ''}${cause ? `: ${errorMessage(cause)}` : ''}`,
    tail ? `--- output tail ---\n${tail}` : '--- no output ---',
  ];
  return new Error(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// FerretDB

/** The repo root: the nearest ancestor of this file that has tools/ferretdb-launcher. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'tools', 'ferretdb-launcher'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`cannot find the Baton repo root (tools/ferretdb-launcher) above ${from}`);
    dir = up;
  }
}

/** Where scripts/install-tools.sh puts the launcher (overridable with BATON_FERRETDB_LAUNCHER). */
export function defaultFerretBinary(): string {
  return process.env.BATON_FERRETDB_LAUNCHER || join(findRepoRoot(), '.baton', 'bin', 'ferretdb-launcher');
}

export interface FerretOptions {
  /** Port on 127.0.0.1; default: a free one picked by the launcher itself. */
  port?: number;
  /** SQLite data dir; default: a fresh temp dir, deleted by stop(). A given dir is never deleted. */
  dataDir?: string;
  /** Launcher binary; default <repo>/.baton/bin/ferretdb-launcher. */
  binary?: string;
  /** Readiness deadline per start (default 30 000 ms). */
  startTimeoutMs?: number;
  /** Launcher log level (default "warn"; its logs go to the error tail). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface FerretHandle {
  /** mongodb://127.0.0.1:<port>/ */
  url: string;
  port: number;
  dataDir: string;
  /** SIGTERM (then SIGKILL after 10 s); deletes the data dir if it was a temp one of ours. */
  stop(): Promise<void>;
  /** SIGKILL the launcher's process group now (crash simulation); restart() brings it back. */
  kill9(): void;
  /** Stop (if running) and start again on the same port and data dir; waits until it answers. */
  restart(): Promise<void>;
  /** Milliseconds the last start took until the first successful ping. */
  readonly startMs: number;
  /** pid (= process group id) of the running launcher; undefined when not running. */
  readonly pid: number | undefined;
}

/** Pings a MongoDB-wire server once; throws if it does not answer. */
export async function pingMongo(url: string, timeoutMs = 1000): Promise<void> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    maxPoolSize: 1,
  });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close(true).catch(() => {});
  }
}

export async function startFerret(opts: FerretOptions = {}): Promise<FerretHandle> {
  const binary = opts.binary ?? defaultFerretBinary();
  if (!existsSync(binary)) {
    throw new Error(`ferretdb-launcher not found at ${binary}; run scripts/install-tools.sh first`);
  }
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? makeOwnDir('baton-ferret-');
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  let port = opts.port ?? 0;
  let proc: Proc | undefined;
  let startMs = 0;

  const start = async (): Promise<void> => {
    const t0 = Date.now();
    const p = startProc(
      binary,
      [
        '-listen',
        `127.0.0.1:${port}`,
        '-data',
        dataDir,
        '-log-level',
        opts.logLevel ?? 'warn',
        '-exit-on-stdin-close',
      ],
      'ferretdb-launcher',
    );
    proc = p;
    const failFast = (): void => {
      if (p.exitInfo() !== undefined)
        throw new FatalWaitError(failure('ferretdb-launcher', p, 'exited during start'));
    };
    try {
      // Wait for the launcher's own "ready" line before pinging: with a fixed port, a ping could
      // otherwise be answered by whoever already holds that port.
      const m = await withDeadline(p.stdoutLine(/^ready 127\.0\.0\.1:(\d+)$/), timeoutMs, 'no "ready" line');
      port = Number(m[1]);
      const url = `mongodb://127.0.0.1:${port}/`;
      await waitFor(
        async () => {
          failFast();
          await pingMongo(url);
          return true;
        },
        {
          timeoutMs: Math.max(1000, timeoutMs - (Date.now() - t0)),
          intervalMs: 50,
          what: `FerretDB ping on ${url}`,
        },
      );
    } catch (err) {
      const e =
        err instanceof Error && err.message.startsWith('ferretdb-launcher:')
          ? err
          : failure('ferretdb-launcher', p, 'did not become ready', err);
      await stopProc(p, 2000);
      throw e;
    }
    startMs = Date.now() - t0;
  };

  try {
    await start();
  } catch (err) {
    if (ownDir) removeOwnDir(dataDir);
    throw err;
  }

  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    dataDir,
    get startMs() {
      return startMs;
    },
    get pid() {
      return proc && proc.exitInfo() === undefined ? proc.child.pid : undefined;
    },
    async stop() {
      if (proc) await stopProc(proc, 10_000);
      if (ownDir) removeOwnDir(dataDir);
    },
    kill9() {
      if (proc && proc.exitInfo() === undefined) killGroup(proc.child, 'SIGKILL');
    },
    async restart() {
      if (proc) {
        // after kill9 the exit event may still be pending: wait for it
        if (proc.exitInfo() === undefined) await stopProc(proc, 10_000);
        await proc.exited;
      }
      await start();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Redis

export interface RedisOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Working dir; default: a fresh temp dir, deleted by stop(). Nothing is persisted either way. */
  dir?: string;
  /** redis-server binary (default: `redis-server` on PATH). */
  binary?: string;
  /** Readiness deadline per start (default 15 000 ms). */
  startTimeoutMs?: number;
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

async function withRedis<T>(port: number, fn: (r: Redis) => Promise<T>, timeoutMs = 1000): Promise<T> {
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

// ---------------------------------------------------------------------------------------------
// Both

export interface Infra {
  ferret: FerretHandle;
  redis: RedisHandle;
  mongoUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/** FerretDB and Redis together (started in parallel); stop() stops both. */
export async function startInfra(
  opts: { ferret?: FerretOptions; redis?: RedisOptions } = {},
): Promise<Infra> {
  const [f, r] = await Promise.allSettled([startFerret(opts.ferret), startRedis(opts.redis)]);
  if (f.status === 'rejected' || r.status === 'rejected') {
    if (f.status === 'fulfilled') await f.value.stop();
    if (r.status === 'fulfilled') await r.value.stop();
    throw f.status === 'rejected' ? f.reason : (r as PromiseRejectedResult).reason;
  }
  const ferret = f.value;
  const redis = r.value;
  return {
    ferret,
    redis,
    mongoUrl: ferret.url,
    redisUrl: redis.url,
    async stop() {
      await Promise.all([ferret.stop(), redis.stop()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// FerretDB through our embedded launcher (tools/ferretdb-launcher), one process per handle.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { FatalWaitError, waitFor, withDeadline } from './wait';
import { type Proc, failure, killGroup, makeOwnDir, removeOwnDir, startProc, stopProc } from './process';

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
  /** Store in this PostgreSQL database (FerretDB's postgresql handler) instead of SQLite files. */
  postgresqlUrl?: string;
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
        ...(opts.postgresqlUrl ? ['-postgresql-url', opts.postgresqlUrl] : []),
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

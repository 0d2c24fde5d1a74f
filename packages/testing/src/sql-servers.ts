// Private PostgreSQL and MariaDB servers for tests, from the machine's Debian binaries: a fresh
// data dir in a temp folder, a free loopback port, no fsync; the machine's own servers stay untouched.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Proc, failure, makeOwnDir, removeOwnDir, startProc, stopProc } from './process';
import { freePort, waitFor } from './wait';

export interface SqlServerHandle {
  /** A driver URL (postgres://… or mysql://…) for a superuser on a database named `baton`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<major>/bin), or PATH. */
function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return '';
  const majors = readdirSync(base)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? join(base, majors[0]!, 'bin') : '';
}

/** PostgreSQL refuses to run as root: a root test runs it as the `postgres` account Debian made. */
function unprivilegedIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startPostgres(opts: { startTimeoutMs?: number } = {}): Promise<SqlServerHandle> {
  const bin = postgresBin();
  const exe = (name: string) => (bin ? join(bin, name) : name);
  const dir = makeOwnDir('baton-pg-');
  const data = join(dir, 'data');
  const ids = unprivilegedIds();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  execFileSync(exe('initdb'), ['-D', data, '-U', 'baton', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'pipe',
    ...(ids ?? {}),
  });
  const port = await freePort();
  const proc: Proc = startProc(
    exe('postgres'),
    [
      '-D',
      data,
      '-k',
      dir,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ],
    'postgres',
    { ...(ids ?? {}) },
  );
  try {
    await waitFor(
      () => {
        if (proc.exitInfo() !== undefined) throw failure('postgres', proc, 'exited while starting');
        return proc.tail().includes('ready to accept connections');
      },
      { what: 'postgres to accept connections', timeoutMs: opts.startTimeoutMs ?? 30_000 },
    );
    execFileSync(exe('createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'baton', 'baton'], {
      stdio: 'pipe',
    });
  } catch (err) {
    await stopProc(proc, 5_000);
    removeOwnDir(dir);
    throw err;
  }
  return {
    url: `postgres://baton@127.0.0.1:${port}/baton`,
    port,
    async stop() {
      await stopProc(proc, 10_000);
      removeOwnDir(dir);
    },
  };
}

export async function startMariadb(opts: { startTimeoutMs?: number } = {}): Promise<SqlServerHandle> {
  const dir = makeOwnDir('baton-mariadb-');
  const data = join(dir, 'data');
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  execFileSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...user,
    ],
    { stdio: 'pipe' },
  );
  const port = await freePort();
  // skip-grant-tables: any local client is a superuser, which is all a throwaway test server needs.
  const proc = startProc(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${join(dir, 'mysql.sock')}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-grant-tables',
      '--innodb-flush-log-at-trx-commit=0',
      '--skip-log-bin',
      ...user,
    ],
    'mariadb',
  );
  try {
    await waitFor(
      () => {
        if (proc.exitInfo() !== undefined) throw failure('mariadb', proc, 'exited while starting');
        return proc.tail().includes('ready for connections');
      },
      { what: 'mariadb to accept connections', timeoutMs: opts.startTimeoutMs ?? 30_000 },
    );
    execFileSync(
      'mariadb',
      [
        '--no-defaults',
        '--protocol=tcp',
        '-h127.0.0.1',
        `-P${port}`,
        '-uroot',
        '-e',
        'CREATE DATABASE baton',
      ],
      {
        stdio: 'pipe',
      },
    );
  } catch (err) {
    await stopProc(proc, 5_000);
    removeOwnDir(dir);
    throw err;
  }
  return {
    url: `mysql://root@127.0.0.1:${port}/baton`,
    port,
    async stop() {
      await stopProc(proc, 10_000);
      removeOwnDir(dir);
    },
  };
}

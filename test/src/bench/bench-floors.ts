// Floors the benchmarks print beside their figures: what the machine does with no orchestration
// at all — raw FerretDB inserts, a Redis round trip, spawning a process.
import { execFileSync, spawn } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { createRedisClient } from '@baton/kit';
import type { Stack } from '@baton/testing';
import { percentile } from './bench-kit';

/** Floors: raw inserts/s with 8 concurrent writers, and a Redis round trip. */
export async function storageFloors(
  stack: Stack,
): Promise<{ insertsPerSec: number; insertMs: number; redisMs: number }> {
  const mongo = await MongoClient.connect(stack.mongoUrl);
  const col = mongo.db().collection<{ _id: string; n: number }>('bench_floor');
  const n = 2000;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        const i = next++;
        await col.insertOne({ _id: `f${i}`, n: i });
      }
    }),
  );
  const insertsPerSec = n / ((performance.now() - t0) / 1000);
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await col.insertOne({ _id: `s${i}`, n: i });
    single.push(performance.now() - t);
  }
  await mongo.close();
  // On a cluster, a PING goes to one master: the same round trip.
  const redis = createRedisClient(stack.redisUrl);
  const rtt: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    await redis.ping();
    rtt.push(performance.now() - t);
  }
  redis.disconnect();
  return { insertsPerSec, insertMs: percentile(single, 50), redisMs: percentile(rtt, 50) };
}

/** One `bash -c true`, as a worker starts a Shell step's process; resolves at its exit. */
export function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', ['-c', 'true'], { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', () => resolve());
  });
}

/** Spawn floors: ms per `bash -c true` one after another, and spawns/s with `parallel` at once. */
export async function spawnFloors(parallel = 8, n = 400): Promise<{ sequentialMs: number; perSec: number }> {
  for (let i = 0; i < 10; i++) await spawnTrue();
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) await spawnTrue();
  const sequentialMs = (performance.now() - t0) / 100;
  let next = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < n) await spawnTrue();
    }),
  );
  return { sequentialMs, perSec: n / ((performance.now() - t1) / 1000) };
}

/** The argv of a `bash -c true` confined as step-runtime confines a Shell step (see isolation.ts). */
export function confinedTrueArgv(how: 'bare' | 'util-linux' | 'baton-isolate', isolateBin = ''): string[] {
  const limits = { cpu: 3600, as: 4096 * 1024 * 1024, nproc: 512, fsize: 1024 * 1024 * 1024 }; // the defaults
  const user = ['65534', '65534'];
  if (how === 'bare') return ['bash', '-c', 'true'];
  if (how === 'baton-isolate')
    return [
      isolateBin,
      ...['--uid', user[0], '--gid', user[1], '--cpu', String(limits.cpu), '--as', String(limits.as)],
      ...[
        '--nproc',
        String(limits.nproc),
        '--fsize',
        String(limits.fsize),
        '--pidns',
        '--',
        'bash',
        '-c',
        'true',
      ],
    ];
  const init = [
    'trap \'kill -TERM "$c" 2>/dev/null\' TERM',
    '"$@" & c=$!',
    'while :; do wait "$c"; s=$?; kill -0 "$c" 2>/dev/null || exit "$s"; done',
  ].join('\n');
  return [
    ...['unshare', '--pid', '--fork', '--kill-child', '--', 'sh', '-c', init, 'baton-init', 'prlimit'],
    ...[`--cpu=${limits.cpu}:${limits.cpu + 1}`, `--as=${limits.as}`, `--nproc=${limits.nproc}`],
    ...[`--fsize=${limits.fsize}`, '--', 'setpriv', `--reuid=${user[0]}`, `--regid=${user[1]}`],
    ...['--clear-groups', '--inh-caps=-all', '--', 'bash', '-c', 'true'],
  ];
}

function spawnArgv(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // detached, as the runner spawns user code (its own group and session)
    const p = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${argv[0]} exited ${code}`))));
  });
}

/**
 * The isolation floor: ms per `bash -c true` spawned one after another, bare, through the util-linux
 * chain and through baton-isolate. The variants take turns in rounds of 10 (`n` spawns each in all),
 * so load from elsewhere on the machine hits them alike; reports the mean and the median per spawn.
 * Needs root (and `isolateBin`, else that variant is skipped).
 */
export async function isolationFloors(
  isolateBin: string | undefined,
  n = 100,
): Promise<Record<string, { meanMs: number; medianMs: number }>> {
  const variants: Record<string, string[]> = {
    bare: confinedTrueArgv('bare'),
    'util-linux': confinedTrueArgv('util-linux'),
  };
  if (isolateBin) variants['baton-isolate'] = confinedTrueArgv('baton-isolate', isolateBin);
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const argv of Object.values(variants)) for (let i = 0; i < 5; i++) await spawnArgv(argv);
  for (let round = 0; round < n / 10; round++) {
    for (const [name, argv] of Object.entries(variants)) {
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        await spawnArgv(argv);
        times[name].push(performance.now() - t);
      }
    }
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, t]) => [
      name,
      { meanMs: t.reduce((a, b) => a + b, 0) / t.length, medianMs: percentile(t, 50) },
    ]),
  );
}

/**
 * BENCH_FERRETDB=postgresql: FerretDB stores in a fresh database of the PostgreSQL at
 * BENCH_POSTGRES_URL (default the local server, trust auth) instead of SQLite files, to compare
 * the two backends on one machine; the database is dropped afterwards. Otherwise: SQLite.
 */
export function ferretBackend(): { label: string; postgresqlUrl?: string; drop: () => void } {
  if (process.env.BENCH_FERRETDB !== 'postgresql') return { label: 'FerretDB/SQLite', drop: () => {} };
  const server = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `baton_bench_${process.pid}`;
  const args = [
    '-h',
    server.hostname,
    '-p',
    server.port || '5432',
    '-U',
    decodeURIComponent(server.username),
  ];
  execFileSync('createdb', [...args, name], { stdio: 'inherit' });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    label: 'FerretDB/PostgreSQL',
    postgresqlUrl: url.toString(),
    drop: () => execFileSync('dropdb', ['--if-exists', '--force', ...args, name], { stdio: 'inherit' }),
  };
}

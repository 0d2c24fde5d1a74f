import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { MongoClient, MongoServerError } from 'mongodb';
import {
  type Infra,
  freePort,
  liveChildCount,
  startFerret,
  startInfra,
  startRedis,
  waitFor,
} from './index.js';

let infra: Infra;
let mongo: MongoClient;

beforeAll(async () => {
  infra = await startInfra();
  mongo = new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  await mongo.connect();
});

afterAll(async () => {
  await mongo?.close();
  await infra?.stop();
});

test('urls are loopback', () => {
  assert.match(infra.mongoUrl, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
  assert.match(infra.redisUrl, /^redis:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(infra.ferret.port, infra.redis.port);
});

test('insert and find', async () => {
  const c = mongo.db('t_basic').collection<{ _id: string; n: number; tags: string[] }>('things');
  await c.insertMany([
    { _id: 'a', n: 1, tags: ['x'] },
    { _id: 'b', n: 2, tags: ['x', 'y'] },
    { _id: 'c', n: 3, tags: [] },
  ]);
  assert.deepEqual(await c.findOne({ _id: 'b' }), { _id: 'b', n: 2, tags: ['x', 'y'] });
  const big = await c
    .find({ n: { $gte: 2 } })
    .sort({ n: 1 })
    .toArray();
  assert.deepEqual(
    big.map((d) => d._id),
    ['b', 'c'],
  );
  assert.equal(await c.countDocuments({ tags: 'x' }), 2);
});

test('duplicate _id and unique index both fail with code 11000', async () => {
  const c = mongo.db('t_unique').collection<{ _id: string; key: string }>('attempts');
  await c.createIndex({ key: 1 }, { unique: true, name: 'key_unique' });
  await c.insertOne({ _id: 'run1:1', key: 'k1' });

  await assert.rejects(c.insertOne({ _id: 'run1:1', key: 'other' }), (err: unknown) => {
    assert.ok(err instanceof MongoServerError);
    assert.equal(err.code, 11000);
    return true;
  });
  await assert.rejects(c.insertOne({ _id: 'run1:2', key: 'k1' }), (err: unknown) => {
    assert.ok(err instanceof MongoServerError);
    assert.equal(err.code, 11000);
    return true;
  });
  assert.equal(await c.countDocuments({}), 1);
});

test('concurrent writers queue instead of failing with SQLITE_BUSY', async () => {
  const c = mongo.db('t_concurrent').collection<{ _id: string; v: number; pad: string }>('docs');
  await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: `d${i}`, v: 0, pad: 'x'.repeat(200) })));
  const results = await Promise.allSettled(
    Array.from({ length: 32 }, (_, w) =>
      (async () => {
        for (let k = 0; k < 10; k++) {
          await c.updateOne({ _id: `d${(w * 10 + k) % 500}` }, { $set: { v: k } });
          await c.insertOne({ _id: `w${w}:${k}`, v: k, pad: '' });
        }
      })(),
    ),
  );
  const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  assert.deepEqual(
    failed.map((r) => String(r.reason)),
    [],
  );
  assert.equal(await c.countDocuments({}), 500 + 320);
});

test('ferret restart keeps data; kill9 + restart keeps data', async () => {
  const db = mongo.db('t_persist');
  await db.collection('docs').insertOne({ _id: 'survivor' as never, v: 42 });

  await infra.ferret.restart();
  const c1 = new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    assert.deepEqual(
      await c1
        .db('t_persist')
        .collection('docs')
        .findOne({ _id: 'survivor' as never }),
      {
        _id: 'survivor',
        v: 42,
      },
    );
    await c1
      .db('t_persist')
      .collection('docs')
      .insertOne({ _id: 'after-restart' as never, v: 43 });
  } finally {
    await c1.close();
  }

  infra.ferret.kill9();
  await infra.ferret.restart();
  const c2 = new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    assert.equal(await c2.db('t_persist').collection('docs').countDocuments({}), 2);
  } finally {
    await c2.close();
  }
  // the shared client reconnects to the same port by itself
  await waitFor(async () => (await mongo.db('t_persist').collection('docs').countDocuments({})) === 2, {
    timeoutMs: 10_000,
    what: 'the shared client to see the restarted ferret',
  });
});

test('redis: set, flushAll, restart', async () => {
  const r = new Redis(infra.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.set('k', 'v');
    assert.equal(await r.get('k'), 'v');
    await infra.redis.flushAll();
    assert.equal(await r.get('k'), null);
    assert.equal(await r.dbsize(), 0);
    await r.set('k2', 'v2');
  } finally {
    r.disconnect();
  }
  infra.redis.kill9();
  await infra.redis.restart();
  const r2 = new Redis(infra.redisUrl, { lazyConnect: true });
  try {
    await r2.connect();
    assert.equal(await r2.get('k2'), null, 'redis runs without persistence');
  } finally {
    r2.disconnect();
  }
});

test('freePort returns distinct usable ports, below the ephemeral range outgoing connections use', async () => {
  const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()));
  assert.equal(new Set(ports).size, ports.length);
  const ephemeralLow = existsSync('/proc/sys/net/ipv4/ip_local_port_range')
    ? Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    : 32768;
  for (const port of ports) {
    assert.ok(port >= 15000 && port < ephemeralLow, `port ${port} is not below ${ephemeralLow}`);
    await new Promise<void>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  }
});

test('waitFor resolves when the condition holds and names what it waited for on timeout', async () => {
  let n = 0;
  await waitFor(() => ++n >= 3, { timeoutMs: 1000, intervalMs: 1, what: 'three polls' });
  assert.equal(n, 3);
  await assert.rejects(
    waitFor(() => false, { timeoutMs: 50, intervalMs: 10, what: 'the moon' }),
    /timed out after 50 ms waiting for the moon/,
  );
  await assert.rejects(
    waitFor(
      () => {
        throw new Error('boom');
      },
      { timeoutMs: 30, intervalMs: 10, what: 'x' },
    ),
    /waiting for x \(last error: boom\)/,
  );
});

test('explicit port and data dir; stop cleans the own temp dir only', async () => {
  const port = await freePort();
  const f = await startFerret({ port });
  assert.equal(f.port, port);
  assert.equal(f.url, `mongodb://127.0.0.1:${port}/`);
  const dir = f.dataDir;
  assert.ok(existsSync(dir));
  await f.stop();
  assert.ok(!existsSync(dir));

  const r = await startRedis({ port: await freePort() });
  await r.stop();
});

test('a launcher that cannot start fails fast with its output tail', async () => {
  const port = infra.ferret.port; // already taken
  const t0 = Date.now();
  await assert.rejects(startFerret({ port }), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.match(err.message, /ferretdb-launcher: .*exited/);
    assert.match(err.message, /address already in use/);
    return true;
  });
  assert.ok(Date.now() - t0 < 10_000);
  await assert.rejects(
    startRedis({ port: infra.redis.port }),
    /redis-server: .*exited[\s\S]*Address already in use/i,
  );
  await assert.rejects(startFerret({ binary: '/nonexistent/launcher' }), /run scripts\/install-tools\.sh/);
});

test('no stray children after stop', async () => {
  const before = liveChildCount();
  const f = await startFerret();
  const r = await startRedis();
  assert.equal(liveChildCount(), before + 2);
  await Promise.all([f.stop(), r.stop()]);
  assert.equal(liveChildCount(), before);
});

// Starts ferret + redis in a separate node process, then ends that process the given way, and checks
// that both servers and their temp dirs are gone.
async function strayCheck(end: 'exit' | 'SIGTERM'): Promise<void> {
  const script = `
    const t = require(${JSON.stringify(join(__dirname, 'index.js'))});
    t.startInfra().then((i) => {
      console.log(JSON.stringify({ pids: [i.ferret.pid, i.redis.pid], dirs: [i.ferret.dataDir, i.redis.dir] }));
      if (${JSON.stringify(end)} === 'exit') process.exit(0);
      setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    child.on('exit', (code) =>
      buf.includes('\n') ? undefined : reject(new Error(`fixture exited ${code}`)),
    );
  });
  const { pids, dirs } = JSON.parse(line) as { pids: number[]; dirs: string[] };
  if (end !== 'exit') child.kill(end);
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(() => pids.every((p) => !alive(p)), {
    timeoutMs: 10_000,
    what: `children gone after parent ${end}`,
  });
  assert.ok(
    dirs.every((d) => !existsSync(d)),
    'temp dirs removed',
  );
}

test('children die when the parent exits without stop()', () => strayCheck('exit'));
test('children die when the parent gets SIGTERM', () => strayCheck('SIGTERM'));
test('ferret dies even when the parent is SIGKILLed (it watches its stdin)', async () => {
  const script = `
    const t = require(${JSON.stringify(join(__dirname, 'index.js'))});
    t.startFerret().then((f) => { console.log(JSON.stringify([f.pid, f.dataDir])); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [pid, dataDir] = await new Promise<[number, string]>((resolve) =>
    child.stdout.once('data', (c: Buffer) => resolve(JSON.parse(c.toString()) as [number, string])),
  );
  child.kill('SIGKILL');
  await waitFor(
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    { timeoutMs: 10_000, what: 'ferretdb-launcher to exit after its parent was SIGKILLed' },
  );
  rmSync(dataDir, { recursive: true, force: true }); // nobody was left to remove it
});

// Floors the benchmarks print beside their figures: what the machine does with no orchestration
// at all — raw FerretDB inserts, a Redis round trip, spawning a process.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
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
  const redis = new Redis(stack.redisUrl);
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

// Benchmark of step concurrency as tag permits (issue 13): a foreach of 10,000 Http leaves run
// with step_concurrency 20 binding (foreach concurrency 100: 80 attempts at a time wait in the
// permit gate and are started by the script that frees a permit) against the same foreach without
// the cap binding (foreach concurrency 20, step_concurrency 1,000: as many running, no one waits).
// While the capped one runs, the permits held under the workflow's tag are sampled every 10 ms.
// The leaves are Http steps GETting a local server (a leaf that spawns no process, so the
// orchestration is what is measured). Floors: a GET of that server and a Redis round trip.
//
// BENCH_PERMITS_N=2000 runs smaller foreachs (default 10,000).
import { type BatonClients, connect } from '@baton/sdk';
import { startStack } from '@baton/testing';
import { Redis } from 'ioredis';
import { Agent, createServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { storageFloors } from './bench-floors';
import { type Row, cpuPer, report, runToEnd, stackCpuMs } from './bench-kit';

const N = Number(process.env.BENCH_PERMITS_N ?? 10_000);

function foreachOf(id: string, n: number, concurrency: number, url: string): unknown {
  const outer = Math.ceil(n / 100);
  return {
    id,
    steps: [
      {
        foreach: {
          id: 'each',
          concurrency,
          params: {
            loop_params: {
              value: {
                a: { expression: `Util.intsBetween(0, ${outer}, 1)`, type: 'LONG_ARRAY' },
                b: { expression: 'Util.intsBetween(0, 100, 1)', type: 'LONG_ARRAY' },
              },
              type: 'MAP',
            },
          },
          steps: [
            {
              step: {
                id: 'leaf',
                type: 'Http',
                params: { http: { value: { url: { value: url, type: 'STRING' } }, type: 'MAP' } },
              },
            },
          ],
        },
      },
    ],
  };
}

async function push(c: BatonClients, workflow: unknown, stepConcurrency: number): Promise<void> {
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({
      properties: { owner: 'bench', run_strategy: 'parallel', step_concurrency: stepConcurrency },
      workflow,
    }),
  });
}

/** A local server answering 204: what every leaf GETs. */
async function startTarget(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/leaf`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The floor: ms per GET of the target, 8 at a time (as workers would). */
async function getFloor(url: string, n = 2000): Promise<{ perSec: number; ms: number }> {
  const agent = new Agent({ keepAlive: false });
  const once = () =>
    new Promise<void>((resolve, reject) =>
      httpGet(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject),
    );
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next++ < n) await once();
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return { perSec: n / s, ms: (s * 1000 * 8) / n };
}

async function main(): Promise<void> {
  const target = await startTarget();
  const floor = await getFloor(target.url);
  const stack = await startStack({
    env: { LOG_LEVEL: 'warn', STEP_RUNTIME_SLOTS: '100', BATON_HTTP_ALLOW: '127.0.0.1' },
  });
  const floors = await storageFloors(stack);
  const c = connect({
    addresses: { ...stack.addresses, stepRuntime: stack.addresses['step-runtime'] },
    timeoutMs: 120_000,
  });
  const redis = new Redis(stack.redisUrl);
  const rows: Row[] = [];
  try {
    const cases: { name: string; id: string; conc: number; cap: number }[] = [
      {
        name: 'without the cap binding (foreach concurrency 20, step_concurrency 1,000)',
        id: 'bench.free',
        conc: 20,
        cap: 1000,
      },
      {
        name: 'the same foreach without the cap (foreach concurrency 100, step_concurrency 1,000)',
        id: 'bench.same',
        conc: 100,
        cap: 1000,
      },
      {
        name: 'step_concurrency 20 binding (foreach concurrency 100)',
        id: 'bench.capped',
        conc: 100,
        cap: 20,
      },
    ];
    const rates: number[] = [];
    for (const k of cases) {
      await push(c, foreachOf(k.id, N, k.conc, target.url), k.cap);
      // Sampled while it runs: permits held under the workflow's tag, and attempts waiting for one.
      let maxHeld = 0;
      let maxWaiting = 0;
      let samples = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const [held, waiting] = (await redis
            .multi()
            .zcard(`{baton:permits}:held:maestro_workflow:${k.id}`)
            .zcard(`{baton:permits}:wait:maestro_workflow:${k.id}`)
            .exec()) as [unknown, number][];
          maxHeld = Math.max(maxHeld, held[1]);
          maxWaiting = Math.max(maxWaiting, waiting[1]);
          samples++;
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const cpu0 = stackCpuMs(stack);
      const { inst, ms } = await runToEnd(c, k.id, { timeoutMs: 1_800_000 });
      sampling = false;
      await sampler;
      const cpu = cpuPer(cpu0, stackCpuMs(stack), N);
      const ok = Number(inst.steps[0]?.iterationCounts?.succeeded ?? 0);
      const rate = Math.round(N / (ms / 1000));
      rates.push(rate);
      const capped = k.cap === 20;
      if (!capped && maxHeld > k.conc)
        console.log(`  held ${maxHeld} permits with ${k.conc} iterations at once`);
      const note = [
        `${(ms / 1000).toFixed(1)} s`,
        `${ok} of ${N} succeeded`,
        `permits held at most ${maxHeld}, waiting at most ${maxWaiting} (${samples} samples)`,
        `CPU ms per leaf: ${cpu}`,
        `floor: a GET of the target ${floor.ms.toFixed(2)} ms, ${Math.round(floor.perSec)}/s with 8 at once (${(rate / floor.perSec).toFixed(3)}x)`,
      ].join('; ');
      console.log(`${k.name}: ${rate} leaves/s; ${note}`);
      rows.push({
        name: `foreach ${N.toLocaleString('en')} Http leaves, ${k.name}`,
        value: rate,
        unit: 'leaves/s',
        ...(capped ? { target: 'never over 20 running', met: maxHeld <= 20 && maxHeld > 0 && ok === N } : {}),
        note,
      });
    }
    const cost = (rates[1]! / rates[2]! - 1) * 100;
    const cost20 = (rates[0]! / rates[2]! - 1) * 100;
    rows.push({
      name: 'cost of the cap (time, capped vs the same foreach without it)',
      value: Math.round(cost * 10) / 10,
      unit: '%',
      target: '<= 10',
      met: cost <= 10,
      note: `vs 20 running leaves without waiters (foreach concurrency 20): ${Math.round(cost20 * 10) / 10}%`,
    });
    rows.push({
      name: 'floor: Redis round trip',
      value: Math.round(floors.redisMs * 100) / 100,
      unit: 'ms',
      note: `floor: Redis round trip ${floors.redisMs.toFixed(2)} ms (each leaf takes and gives back a permit in the round trips of its dispatch and its end's decision)`,
    });
    report('permits', rows);
  } finally {
    redis.disconnect();
    c.close();
    await stack.stop();
    await target.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

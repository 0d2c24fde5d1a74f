// Throughput against replicas (issue 14, docs/scaling.md): the same work with 1, 2 and 4 replicas of
// the scheduler and of step-runtime, each count on a fresh stack (one FerretDB, one Redis, one
// definition and one signal service). Shapes: a fan-out of Shell `true` steps (scheduler and
// step-runtime both busy), one-step workflows started by 16 clients spread over the scheduler
// replicas' public ports, and a foreach of NoOp iterations (the scheduler alone: nothing is
// dispatched). Floors beside them: bash spawns/s with 8 at once, a FerretDB insert, a Redis round trip.
// This machine has 2 cores: past two busy processes, replicas share CPUs instead of adding them, so
// the curve says what replicas cost here, not what they give on a cluster.
import { type BatonClients, connect } from '@baton/sdk';
import { type Stack, startStack } from '@baton/testing';
import { type Row, percentile, report, runToEnd } from './bench-kit';
import { ferretBackend, spawnFloors, storageFloors } from './bench-floors';

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2,4').split(',').map(Number);
const FAN = 300;
const RUNS = 200;
const CLIENTS = 16;
const ITERATIONS = 3000;

const shell = (id: string) => ({
  step: { id, type: 'Shell', params: { script: { type: 'STRING', value: 'true' } } },
});

async function pushAll(c: BatonClients): Promise<void> {
  const parallel = { owner: 'bench', run_strategy: { rule: 'parallel', workflow_concurrency: 1000 } };
  const push = (workflow: unknown, properties: unknown = { owner: 'bench' }) =>
    c.definition.pushWorkflow({ definitionJson: JSON.stringify({ properties, workflow }) });
  await push({ id: 'rep.fan', steps: Array.from({ length: FAN }, (_, i) => shell(`f${i}`)) }, parallel);
  await push({ id: 'rep.one', steps: [shell('only')] }, parallel);
  await push(
    {
      id: 'rep.loop',
      steps: [
        {
          foreach: {
            id: 'each',
            concurrency: 1000,
            params: {
              loop_params: {
                value: { i: { expression: `Util.intsBetween(0, ${ITERATIONS}, 1)`, type: 'LONG_ARRAY' } },
                type: 'MAP',
              },
            },
            steps: [{ step: { id: 'n', type: 'NoOp' } }],
          },
        },
      ],
    },
    parallel,
  );
}

async function mustSucceed(c: BatonClients, workflowId: string): Promise<number> {
  const { inst, ms } = await runToEnd(c, workflowId, { timeoutMs: 600_000 });
  if (inst.status !== 'SUCCEEDED') throw new Error(`${workflowId} ended ${inst.status}: ${inst.error}`);
  return ms;
}

interface Figures {
  fanPerSec: number;
  runsPerSec: number;
  runP50: number;
  runP99: number;
  iterationsPerSec: number;
}

async function measure(n: number): Promise<Figures> {
  const backend = ferretBackend();
  const stack: Stack = await startStack({
    env: { LOG_LEVEL: 'warn' },
    ...(backend.postgresqlUrl ? { ferretPostgresqlUrl: backend.postgresqlUrl } : {}),
  });
  const schedulers = [stack.addresses.scheduler];
  const clients: BatonClients[] = [];
  try {
    for (let i = 1; i < n; i++) {
      schedulers.push((await stack.addReplica('scheduler')).addr);
      await stack.addReplica('step-runtime');
    }
    for (let i = 0; i < CLIENTS; i++)
      clients.push(
        connect({
          addresses: { definition: stack.addresses.definition, scheduler: schedulers[i % schedulers.length] },
          timeoutMs: 120_000,
        }),
      );
    const c = clients[0];
    await pushAll(c);
    await mustSucceed(c, 'rep.one'); // warm: definition caches, connections, JIT

    const fanMs = await mustSucceed(c, 'rep.fan');
    const lat: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (k) => {
        while (next++ < RUNS) lat.push(await mustSucceed(k, 'rep.one'));
      }),
    );
    const runsPerSec = RUNS / ((performance.now() - t0) / 1000);
    const loopMs = await mustSucceed(c, 'rep.loop');
    return {
      fanPerSec: FAN / (fanMs / 1000),
      runsPerSec,
      runP50: percentile(lat, 50),
      runP99: percentile(lat, 99),
      iterationsPerSec: ITERATIONS / (loopMs / 1000),
    };
  } finally {
    for (const k of clients) k.close();
    await stack.stop();
    backend.drop();
  }
}

async function main(): Promise<void> {
  const spawn = await spawnFloors();
  const rows: Row[] = [
    { name: 'floor: bash spawn, 8 at once', value: round(spawn.perSec), unit: 'spawns/s' },
  ];
  {
    const backend = ferretBackend();
    const stack = await startStack({
      services: [],
      ...(backend.postgresqlUrl ? { ferretPostgresqlUrl: backend.postgresqlUrl } : {}),
    });
    try {
      const store = await storageFloors(stack);
      rows.push(
        { name: `floor: ${backend.label} insertOne p50`, value: round(store.insertMs, 2), unit: 'ms' },
        {
          name: `floor: ${backend.label} insertOne, 8 writers`,
          value: Math.round(store.insertsPerSec),
          unit: 'inserts/s',
        },
        { name: 'floor: Redis PING p50', value: round(store.redisMs, 3), unit: 'ms' },
      );
    } finally {
      await stack.stop();
      backend.drop();
    }
  }
  const byN = new Map<number, Figures>();
  for (const n of REPLICAS) {
    const f = await measure(n);
    byN.set(n, f);
    const vs = (pick: (x: Figures) => number) => {
      const base = byN.get(REPLICAS[0]);
      return base && n !== REPLICAS[0]
        ? `; ${round(pick(f) / pick(base), 2)}x of ${REPLICAS[0]} replica`
        : '';
    };
    const who = `${n} scheduler + ${n} step-runtime`;
    rows.push(
      {
        name: `${who}: fan-out of ${FAN} Shell steps`,
        value: round(f.fanPerSec),
        unit: 'steps/s',
        note: `floor: bash spawn ${round(spawn.perSec)}/s (${round((f.fanPerSec / spawn.perSec) * 100)}%)${vs((x) => x.fanPerSec)}`,
      },
      {
        name: `${who}: ${RUNS} one-step workflows, ${CLIENTS} clients`,
        value: round(f.runsPerSec),
        unit: 'workflows/s',
        note: `p50 ${round(f.runP50)} ms, p99 ${round(f.runP99)} ms${vs((x) => x.runsPerSec)}`,
      },
      {
        name: `${who}: foreach of ${ITERATIONS.toLocaleString('en')} NoOp`,
        value: round(f.iterationsPerSec),
        unit: 'iterations/s',
        note: vs((x) => x.iterationsPerSec).replace(/^; /, ''),
      },
    );
  }
  report('replicas', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

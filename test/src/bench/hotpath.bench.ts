// The worker-step hot path (issue 11): Shell steps whose script is `true`, so what is measured is
// orchestration — the round trips between scheduler, step-runtime, FerretDB and Redis — beside the
// floors of this machine (bash spawned by node one after another and 8 at once, a FerretDB insert,
// a Redis round trip) and the ratio to them. Shapes: a chain of 100 steps, a fan-out of 200 (and
// 2,000 with BENCH_HOT_LARGE=1), 100 one-step workflows started by 8 clients, and StartWorkflow →
// the first step running. Real services as processes; the step-runtime's default slots. Then the
// same shapes as a BullMQ flow on the same Redis (a non-durable floor; see bullmq-floor.ts).
import type { Instance, StepRun } from '@baton/proto';
import { type BatonClients, connect } from '@baton/sdk';
import { type Stack, startStack } from '@baton/testing';
import { type Row, cpuPer, peakRssMiB, percentile, report, runToEnd, stackCpuMs } from './bench-kit';
import { ferretBackend, spawnFloors, storageFloors } from './bench-floors';
import { bullmqFloors } from './bullmq-floor';

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const shell = (id: string, next?: string) => ({
  step: {
    id,
    type: 'Shell',
    params: { script: { type: 'STRING', value: 'true' } },
    ...(next ? { transition: { successors: { [next]: 'true' } } } : {}),
  },
});

async function mustSucceed(c: BatonClients, workflowId: string): Promise<{ inst: Instance; ms: number }> {
  const out = await runToEnd(c, workflowId, { timeoutMs: 600_000 });
  if (out.inst.status !== 'SUCCEEDED')
    throw new Error(`${workflowId} ended ${out.inst.status}: ${out.inst.error}`);
  return out;
}

/**
 * Along a chain, from the worker's process times on each attempt: exit of one step's process →
 * start of the next one's (`gap`), and where a step's time goes: its dispatch decision → its
 * process started (`toStart`), process exit → the decision that ends the step (`toEnd`), in ms.
 */
function chainTimes(runs: StepRun[]): { gap: number[]; toStart: number[]; toEnd: number[]; proc: number[] } {
  const out = { gap: [] as number[], toStart: [] as number[], toEnd: [] as number[], proc: [] as number[] };
  let prevEnd: Date | undefined;
  for (const run of runs) {
    const st = run.summary;
    const a = run.attempts.at(-1);
    if (!a?.startedAt || !a.endedAt || !st?.startedAt || !st.endedAt) continue;
    out.toStart.push(+a.startedAt - +st.startedAt);
    out.toEnd.push(+st.endedAt - +a.endedAt);
    out.proc.push(+a.endedAt - +a.startedAt);
    if (prevEnd) out.gap.push(+a.startedAt - +prevEnd);
    prevEnd = a.endedAt;
  }
  return out;
}

async function chain(stack: Stack, c: BatonClients, n: number, spawnMs: number): Promise<Row[]> {
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({
      workflow: {
        id: 'hot.chain',
        steps: Array.from({ length: n }, (_, i) => shell(`s${i}`, i + 1 < n ? `s${i + 1}` : undefined)),
      },
    }),
  });
  const cpu0 = stackCpuMs(stack);
  const { inst, ms } = await mustSucceed(c, 'hot.chain');
  const cpu = cpuPer(cpu0, stackCpuMs(stack), n);
  const perStep = ms / n;
  // Attempts come with GetStepRun (GetInstance lists steps without them), in chain order.
  const runs: StepRun[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.scheduler.getStepRun({
      ref: inst.ref,
      stepId: `s${i}`,
    });
    if (r.stepRun) runs.push(r.stepRun);
  }
  const t = chainTimes(runs);
  const g = t.gap;
  const p = (xs: number[]) => `${round(percentile(xs, 50))}/${round(percentile(xs, 99))}`;
  return [
    {
      name: `chain of ${n} Shell steps`,
      value: round(perStep),
      unit: 'ms/step',
      target: '≤ 15',
      met: perStep <= 15,
      note: `floor: sequential bash spawn ${round(spawnMs)} ms (${round(perStep / spawnMs, 1)}x); CPU ms per step: ${cpu}`,
    },
    {
      name: 'chain: process exit → next process start',
      value: round(percentile(g, 50)),
      unit: 'ms p50',
      target: 'p50 ≤ 5, p99 ≤ 20',
      met: percentile(g, 50) <= 5 && percentile(g, 99) <= 20,
      note: `p99 ${round(percentile(g, 99))} ms (worker's process times); p50/p99 dispatch → process ${p(t.toStart)}, process ${p(t.proc)}, exit → step ended ${p(t.toEnd)} ms`,
    },
  ];
}

async function fanOut(stack: Stack, c: BatonClients, n: number, spawnPerSec: number): Promise<Row> {
  const id = `hot.fan${n}`;
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({
      workflow: { id, steps: Array.from({ length: n }, (_, i) => shell(`f${i}`)) },
    }),
  });
  const cpu0 = stackCpuMs(stack);
  const { ms } = await mustSucceed(c, id);
  const cpu = cpuPer(cpu0, stackCpuMs(stack), n);
  const rate = n / (ms / 1000);
  return {
    name: `fan-out of ${n} Shell steps`,
    value: round(rate),
    unit: 'steps/s',
    target: '≥ 100',
    met: rate >= 100,
    note: `floor: bash spawn 8 at once ${round(spawnPerSec)}/s (${round((rate / spawnPerSec) * 100)}%); CPU ms per step: ${cpu}`,
  };
}

/** `total` one-step workflows, `clients` clients each starting one and waiting for its end. */
async function oneStepRuns(
  stack: Stack,
  c: BatonClients,
  total: number,
  clients: number,
  spawnPerSec: number,
): Promise<Row> {
  // PARALLEL: Maestro's default run strategy is SEQUENTIAL (one instance at a time), which would
  // measure the queue, not the hot path; Temporal's comparison runs the workflows concurrently.
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({
      properties: { owner: 'bench', run_strategy: { rule: 'parallel', workflow_concurrency: 1000 } },
      workflow: { id: 'hot.one', steps: [shell('only')] },
    }),
  });
  const cs = Array.from({ length: clients }, () => client(stack));
  const lat: number[] = [];
  let next = 0;
  const cpu0 = stackCpuMs(stack);
  const t0 = performance.now();
  await Promise.all(
    cs.map(async (k) => {
      while (next++ < total) lat.push((await mustSucceed(k, 'hot.one')).ms);
    }),
  );
  const rate = total / ((performance.now() - t0) / 1000);
  const cpu = cpuPer(cpu0, stackCpuMs(stack), total);
  for (const k of cs) k.close();
  const p99 = percentile(lat, 99);
  return {
    name: `${total} one-step workflows, ${clients} clients`,
    value: round(rate),
    unit: 'workflows/s',
    target: '≥ 100, p99 ≤ 250 ms',
    met: rate >= 100 && p99 <= 250,
    note: `p50 ${round(percentile(lat, 50))} ms, p99 ${round(p99)} ms; floor: bash spawn ${round(spawnPerSec)}/s (${round(rate / spawnPerSec, 2)}x); CPU ms per workflow: ${cpu}`,
  };
}

/** StartWorkflow called → the step's process started (the worker's time), one run at a time. */
async function startToFirstStep(c: BatonClients, runs: number): Promise<Row> {
  const lags: number[] = [];
  for (let i = 0; i < runs; i++) {
    const called = Date.now();
    const { inst } = await mustSucceed(c, 'hot.one');
    const step = await c.scheduler.getStepRun({ ref: inst.ref, stepId: 'only' });
    const started = step.stepRun?.attempts[0]?.startedAt;
    if (started) lags.push(+started - called);
  }
  const p50 = percentile(lags, 50);
  return {
    name: 'StartWorkflow → first step started',
    value: round(p50),
    unit: 'ms p50',
    target: '≤ 10',
    met: p50 <= 10,
    note: `p99 ${round(percentile(lags, 99))} ms over ${lags.length} runs`,
  };
}

function client(stack: Stack): BatonClients {
  return connect({
    addresses: { definition: stack.addresses.definition, scheduler: stack.addresses.scheduler },
    timeoutMs: 120_000,
  });
}

async function main(): Promise<void> {
  const spawn = await spawnFloors();
  const backend = ferretBackend();
  const stack = await startStack({
    env: { LOG_LEVEL: 'warn' },
    ...(backend.postgresqlUrl ? { ferretPostgresqlUrl: backend.postgresqlUrl } : {}),
  });
  const c = client(stack);
  const rows: Row[] = [];
  try {
    const store = await storageFloors(stack);
    rows.push(
      { name: 'floor: bash spawn, sequential', value: round(spawn.sequentialMs, 2), unit: 'ms' },
      { name: 'floor: bash spawn, 8 at once', value: round(spawn.perSec), unit: 'spawns/s' },
      { name: `floor: ${backend.label} insertOne p50`, value: round(store.insertMs, 2), unit: 'ms' },
      {
        name: `floor: ${backend.label} insertOne, 8 writers`,
        value: Math.round(store.insertsPerSec),
        unit: 'inserts/s',
      },
      { name: 'floor: Redis PING p50', value: round(store.redisMs, 3), unit: 'ms' },
    );
    rows.push(...(await chain(stack, c, 100, spawn.sequentialMs)));
    rows.push(await fanOut(stack, c, 200, spawn.perSec));
    if (process.env.BENCH_HOT_LARGE === '1') rows.push(await fanOut(stack, c, 2000, spawn.perSec));
    rows.push(await oneStepRuns(stack, c, 100, 8, spawn.perSec));
    rows.push(await startToFirstStep(c, 30));
    // Last, so its Redis keys and worker cannot disturb Baton's figures; same Redis, same slots.
    const bull = await bullmqFloors(stack.redisUrl, {
      chain: 100,
      fan: 200,
      runs: 100,
      clients: 8,
      slots: 4,
    });
    const baton = (name: string) => rows.find((r) => r.name.startsWith(name))?.value ?? Number.NaN;
    rows.push(
      {
        name: 'BullMQ floor: chain of 100 bash jobs',
        value: round(bull.chainMsPerStep),
        unit: 'ms/step',
        note: `Baton ${round(baton('chain of') / bull.chainMsPerStep, 1)}x`,
      },
      {
        name: 'BullMQ floor: fan-out of 200 bash jobs',
        value: round(bull.fanOutPerSec),
        unit: 'steps/s',
        note: `Baton ${round((baton('fan-out of 200') / bull.fanOutPerSec) * 100)}%`,
      },
      {
        name: 'BullMQ floor: 100 one-job flows, 8 clients',
        value: round(bull.oneStepPerSec),
        unit: 'flows/s',
        note: `p99 ${round(bull.oneStepP99Ms)} ms; Baton ${round((baton('100 one-step') / bull.oneStepPerSec) * 100)}%`,
      },
    );
    for (const [name, p] of Object.entries(stack.services)) {
      rows.push({ name: `peak RSS: ${name}`, value: peakRssMiB(p.pid), unit: 'MiB' });
    }
  } finally {
    c.close();
    await stack.stop();
    backend.drop();
  }
  console.log(`store: ${backend.label}`);
  report(backend.postgresqlUrl ? 'hotpath-postgresql' : 'hotpath', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

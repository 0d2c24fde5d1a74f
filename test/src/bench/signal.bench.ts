// Benchmark of the signal service (issue 9): PublishSignal throughput with 8 clients, the latency
// from a join's last signal to its run, and 1,000 workflows on a one-minute cron over 3 minutes
// (lateness of each start). Each figure is printed beside its floor on this machine: a raw
// FerretDB insert (what one publish must at least do), a Redis round trip, a StartWorkflow call.
// Real FerretDB, Redis and services as processes. BENCH_SIGNAL=publish,join,cron picks cases.
import { type BatonClients, connect } from '@baton/sdk';
import { type Stack, startStack } from '@baton/testing';
import { availableParallelism } from 'node:os';
import { type Row, groupCpuMs, ownCpuMs, percentile, report } from './bench-kit';
import { storageFloors as floors } from './bench-floors';

const cases = (process.env.BENCH_SIGNAL ?? 'publish,join,cron').split(',');
const long = (v: number) => ({ kind: { $case: 'longValue' as const, value: String(v) } });
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** CPU time of the parts a publish goes through: the signal service, FerretDB and this client. */
function cpuNow(stack: Stack): { signal: number; ferret: number; client: number } {
  return {
    signal: groupCpuMs(stack.services.signal?.pid),
    ferret: groupCpuMs(stack.ferret?.pid),
    client: ownCpuMs(),
  };
}

/**
 * Where a publish's CPU goes, and the rate the machine's cores could sustain at that cost if
 * nothing waited: on a 2-core machine this, not any wait, is what bounds the rate.
 */
function cpuNote(before: ReturnType<typeof cpuNow>, after: ReturnType<typeof cpuNow>, n: number): string {
  const per = (k: keyof typeof before) => (after[k] - before[k]) / n;
  const total = per('signal') + per('ferret') + per('client');
  const cores = availableParallelism();
  return `CPU per publish: signal ${round(per('signal'), 3)} ms, FerretDB ${round(per('ferret'), 3)} ms, client ${round(per('client'), 3)} ms → ${cores} cores allow ${Math.round((cores * 1000) / total)}/s`;
}

/** 8 clients, each with `inFlight` calls outstanding (1: a client that waits for each answer). */
async function publish(
  c: BatonClients,
  stack: Stack,
  names: number,
  floor: number,
  inFlight = 1,
): Promise<Row[]> {
  const total = 8000;
  let next = 0;
  const lat: number[] = [];
  const cpu0 = cpuNow(stack);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 * inFlight }, async (_, client) => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await c.signal.publishSignal({
          name: `bench/p${names}-${(i + client) % names}`,
          params: { i: long(i) },
          requestId: `r${names}-${inFlight}-${i}`,
        });
        lat.push(performance.now() - t);
      }
    }),
  );
  const rate = total / ((performance.now() - t0) / 1000);
  const cpu = cpuNote(cpu0, cpuNow(stack), total);
  return [
    {
      name: `PublishSignal, 8 clients${inFlight > 1 ? ` x ${inFlight} in flight` : ''}, ${names} name${names > 1 ? 's' : ''}`,
      value: Math.round(rate),
      unit: 'signals/s',
      target: '>= 2000',
      met: rate >= 2000,
      note: `floor ${Math.round(floor)} raw inserts/s (8 writers): ${round(rate / floor, 2)}x; p50 ${round(percentile(lat, 50))} ms, p99 ${round(percentile(lat, 99))} ms; ${cpu}`,
    },
  ];
}

async function join(c: BatonClients, startMs: number): Promise<Row[]> {
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({
      properties: { run_strategy: { rule: 'PARALLEL', workflow_concurrency: 1000 } },
      workflow: {
        id: 'bench.join',
        signal_triggers: [
          { definitions: { 'bench/a': { join_keys: ['k'] }, 'bench/b': { join_keys: ['k'] } } },
        ],
        steps: [{ step: { id: 'a', type: 'NoOp' } }],
      },
    }),
  });
  await new Promise((r) => setTimeout(r, 2500));
  const pairs = 200;
  const lastAt = new Map<string, number>();
  for (let k = 0; k < pairs; k++) {
    await c.signal.publishSignal({ name: 'bench/a', params: { k: long(k) } });
    const res = await c.signal.publishSignal({ name: 'bench/b', params: { k: long(k) } });
    lastAt.set(res.seq, Date.now());
    await new Promise((r) => setTimeout(r, 20));
  }
  const lags: number[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    lags.length = 0;
    let token = '';
    do {
      const page = await c.scheduler.listInstances({
        workflowId: 'bench.join',
        pageSize: 500,
        pageToken: token,
      });
      for (const inst of page.instances) {
        const b = inst.initiator?.signals.find((s) => s.name === 'bench/b');
        const at = b && lastAt.get(b.seq);
        if (at && inst.createdAt) lags.push(inst.createdAt.getTime() - at);
      }
      token = page.nextPageToken;
    } while (token);
    if (lags.length >= pairs) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const p99 = percentile(lags, 99);
  return [
    {
      name: 'join trigger: last signal acked → run created, p99',
      value: round(p99),
      unit: 'ms',
      target: '<= 100',
      met: lags.length >= pairs && p99 <= 100,
      note: `p50 ${round(percentile(lags, 50))} ms over ${lags.length}/${pairs} joins; floor: one StartWorkflow ${round(startMs)} ms p50 (${round(p99 / startMs, 1)}x)`,
    },
  ];
}

async function cron(c: BatonClients, stack: Stack): Promise<Row[]> {
  const n = 1000;
  const t0 = Date.now();
  for (let i = 0; i < n; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, n - i) }, (_, k) =>
        c.definition.pushWorkflow({
          definitionJson: JSON.stringify({
            properties: { run_strategy: { rule: 'PARALLEL', workflow_concurrency: 10 } },
            workflow: {
              id: `bench.cron${i + k}`,
              time_triggers: [{ type: 'CRON', cron: '* * * * *', timezone: 'UTC' }],
              steps: [{ step: { id: 'a', type: 'NoOp' } }],
            },
          }),
        }),
      ),
    );
  }
  const pushed = Date.now();
  console.log(`pushed ${n} cron workflows in ${round((pushed - t0) / 1000)} s`);
  // Three whole minutes after the next one begins.
  const firstMinute = Math.ceil((pushed + 5000) / 60_000) * 60_000;
  const lastMinute = firstMinute + 2 * 60_000;
  await new Promise((r) => setTimeout(r, lastMinute + 30_000 - Date.now()));
  const late: number[] = [];
  const byMinute = new Map<number, number[]>();
  let missing = 0;
  let twice = 0;
  for (let i = 0; i < n; i++) {
    const list = (await c.scheduler.listInstances({ workflowId: `bench.cron${i}`, pageSize: 50 })).instances;
    for (let m = firstMinute; m <= lastMinute; m += 60_000) {
      const runs = list.filter((x) => x.initiator?.triggerTime?.getTime() === m);
      if (runs.length === 0) missing++;
      if (runs.length > 1) twice++;
      for (const r of runs) {
        late.push(r.createdAt!.getTime() - m);
        byMinute.set(m, [...(byMinute.get(m) ?? []), r.createdAt!.getTime() - m]);
      }
    }
  }
  // The first minute also fetches and parses every definition (the scheduler's cache is cold).
  const minutes = [...byMinute.values()].map((l) => round(percentile(l, 99) / 1000, 2)).join(' s, ');
  const p99 = percentile(late, 99);
  void stack;
  return [
    {
      name: '1,000 one-minute crons x 3 minutes: start lateness p99',
      value: round(p99 / 1000, 2),
      unit: 's',
      target: '<= 2',
      met: p99 <= 2000 && missing === 0 && twice === 0,
      note: `p50 ${round(percentile(late, 50) / 1000, 2)} s, max ${round(Math.max(...late) / 1000, 2)} s, p99 by minute ${minutes} s; ${late.length} runs, ${missing} missing, ${twice} twice`,
    },
  ];
}

async function main(): Promise<void> {
  const stack = await startStack({
    services: ['definition', 'scheduler', 'signal'],
    env: { LOG_LEVEL: 'warn', SIGNAL_TRIGGER_SYNC_MS: '1000' },
  });
  const rows: Row[] = [];
  try {
    const c = connect({
      addresses: { ...stack.addresses, stepRuntime: stack.addresses['step-runtime'] },
      timeoutMs: 60_000,
    });
    const f = await floors(stack);
    rows.push(
      { name: 'floor: FerretDB insertOne, 8 writers', value: Math.round(f.insertsPerSec), unit: 'inserts/s' },
      { name: 'floor: FerretDB insertOne p50', value: round(f.insertMs, 2), unit: 'ms' },
      { name: 'floor: Redis PING p50', value: round(f.redisMs, 3), unit: 'ms' },
    );
    await c.definition.pushWorkflow({
      definitionJson: JSON.stringify({
        // PARALLEL like the triggered workflows: the floor is the start a trigger makes.
        properties: { run_strategy: { rule: 'PARALLEL', workflow_concurrency: 1000 } },
        workflow: { id: 'bench.start', steps: [{ step: { id: 'a', type: 'NoOp' } }] },
      }),
    });
    const starts: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await c.scheduler.startWorkflow({ workflowId: 'bench.start' });
      starts.push(performance.now() - t);
    }
    const startMs = percentile(starts, 50);
    rows.push({ name: 'floor: StartWorkflow call p50', value: round(startMs), unit: 'ms' });
    if (cases.includes('publish')) {
      rows.push(...(await publish(c, stack, 1, f.insertsPerSec)));
      rows.push(...(await publish(c, stack, 8, f.insertsPerSec)));
      rows.push(...(await publish(c, stack, 1, f.insertsPerSec, 4)));
    }
    if (cases.includes('join')) rows.push(...(await join(c, startMs)));
    if (cases.includes('cron')) rows.push(...(await cron(c, stack)));
    c.close();
  } finally {
    await stack.stop();
  }
  report('signal', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

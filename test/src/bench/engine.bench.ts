// Benchmark of the execution engine (issue 4) on FerretDB + Redis with the
// services as separate processes: per-step overhead of a 1,000-step NoOp chain,
// steps/s of a 1 → 998 → 1 fan-out and a 10,000-step DAG, instances/s of 100
// concurrent 10-step runs, Sleep-chain overhead (a timer round trip per step),
// and peak RSS of each service.
import type { Instance } from '@baton/proto';
import { connect } from '@baton/sdk';
import { startStack, waitFor } from '@baton/testing';
import {
  type Row,
  currentRssMiB,
  peakRssMiB,
  percentile,
  report,
  runToEnd as runWorkflow,
} from './bench-kit';

type Clients = ReturnType<typeof connect>;

const noop = (id: string, next?: string[]) => ({
  step: {
    id,
    type: 'NoOp',
    ...(next?.length ? { transition: { successors: Object.fromEntries(next.map((n) => [n, 'true'])) } } : {}),
  },
});

/** Runs a workflow to its end; anything but SUCCEEDED spoils the benchmark. */
async function runToEnd(
  c: Clients,
  workflowId: string,
  timeoutMs = 300_000,
): Promise<{ inst: Instance; ms: number }> {
  const out = await runWorkflow(c, workflowId, { timeoutMs });
  if (out.inst.status !== 'SUCCEEDED')
    throw new Error(`${workflowId} ended ${out.inst.status}: ${out.inst.error}`);
  return out;
}

/** Gaps between a step's end and its successor's start, along a chain, in ms. */
function chainGaps(inst: Instance): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < inst.steps.length; i++) {
    const prev = inst.steps[i - 1].endedAt;
    const cur = inst.steps[i].startedAt;
    if (prev && cur) gaps.push(+cur - +prev);
  }
  return gaps;
}

async function main(): Promise<void> {
  const stack = await startStack({ env: { LOG_LEVEL: 'warn', STEP_RUNTIME_SLOTS: '4' } });
  const rows: Row[] = [];
  const c = connect({
    addresses: { definition: stack.addresses.definition, scheduler: stack.addresses.scheduler },
    timeoutMs: 120_000,
  });
  const push = (workflow: unknown) =>
    c.definition.pushWorkflow({ definitionJson: JSON.stringify({ workflow }) });
  try {
    // (a) 1,000-step NoOp chain: NoOps complete inside decide, so the chain is one decision.
    await push({
      id: 'bench.chain',
      steps: Array.from({ length: 1000 }, (_, i) => noop(`s${i}`, i < 999 ? [`s${i + 1}`] : [])),
    });
    const chain = await runToEnd(c, 'bench.chain');
    const gaps = chainGaps(chain.inst);
    rows.push({ name: '1,000-step NoOp chain: total', value: Math.round(chain.ms), unit: 'ms' });
    rows.push({
      name: '  per-step overhead p50',
      value: percentile(gaps, 50),
      unit: 'ms',
      target: '<= 5',
      met: percentile(gaps, 50) <= 5,
    });
    rows.push({
      name: '  per-step overhead p99',
      value: percentile(gaps, 99),
      unit: 'ms',
      target: '<= 25',
      met: percentile(gaps, 99) <= 25,
    });

    // Sleep(0) chain: every step is a timer round trip through Redis and a decision in MongoDB.
    await push({
      id: 'bench.sleepchain',
      steps: Array.from({ length: 200 }, (_, i) => ({
        step: {
          id: `s${i}`,
          type: 'Sleep',
          params: { sleep_seconds: { value: 0, type: 'LONG' } },
          ...(i < 199 ? { transition: { successors: { [`s${i + 1}`]: 'true' } } } : {}),
        },
      })),
    });
    const sc = await runToEnd(c, 'bench.sleepchain');
    const sgaps = chainGaps(sc.inst);
    rows.push({
      name: '200-step Sleep(0) chain: per-step overhead p50',
      value: percentile(sgaps, 50),
      unit: 'ms',
      note: 'decision + timer round trip',
    });
    rows.push({ name: '  p99', value: percentile(sgaps, 99), unit: 'ms' });

    // (b) wide DAG 1 → 998 → 1.
    const mid = Array.from({ length: 998 }, (_, i) => `m${i}`);
    await push({
      id: 'bench.wide',
      steps: [
        noop('root', mid),
        ...mid.map((m) => noop(m, ['join'])),
        { step: { id: 'join', type: 'Join' } },
      ],
    });
    const wide = await runToEnd(c, 'bench.wide');
    rows.push({
      name: 'wide DAG 1 → 998 → 1: steps/s',
      value: Math.round(1000 / (wide.ms / 1000)),
      unit: 'steps/s',
      target: '>= 1500',
      met: 1000 / (wide.ms / 1000) >= 1500,
    });

    // 10,000-step DAG: 100 chains of 100.
    const big: unknown[] = [];
    for (let ch = 0; ch < 100; ch++)
      for (let i = 0; i < 100; i++) big.push(noop(`c${ch}_${i}`, i < 99 ? [`c${ch}_${i + 1}`] : []));
    await push({ id: 'bench.big', steps: big });
    const bigRun = await runToEnd(c, 'bench.big');
    rows.push({
      name: '10,000-step DAG completes: steps/s',
      value: Math.round(10_000 / (bigRun.ms / 1000)),
      unit: 'steps/s',
      note: `${Math.round(bigRun.ms)} ms`,
    });

    // Latency of one 10-step run, start to end, as a client sees it.
    await push({
      id: 'bench.ten',
      steps: Array.from({ length: 10 }, (_, i) => noop(`s${i}`, i < 9 ? [`s${i + 1}`] : [])),
    });
    const lat: number[] = [];
    for (let i = 0; i < 20; i++) lat.push((await runToEnd(c, 'bench.ten')).ms);
    rows.push({
      name: 'one 10-step NoOp run, start → SUCCEEDED seen: p50',
      value: Math.round(percentile(lat, 50)),
      unit: 'ms',
    });

    // (c) 100 concurrent instances of a 10-step workflow.
    const t0 = performance.now();
    const started = await Promise.all(
      Array.from({ length: 100 }, () => c.scheduler.startWorkflow({ workflowId: 'bench.ten' })),
    );
    // Poll one instance at a time (polling all at once would load the service more than the runs do).
    for (const s of started) {
      await waitFor(
        async () =>
          (await c.scheduler.getInstance({ ref: { workflowId: 'bench.ten', instanceId: s.instanceId } }))
            .instance?.status === 'SUCCEEDED',
        { timeoutMs: 120_000, intervalMs: 20, what: `instance ${s.instanceId} to end` },
      );
    }
    const secs = (performance.now() - t0) / 1000;
    rows.push({
      name: '100 concurrent 10-step instances: instances/s',
      value: Math.round(100 / secs),
      unit: 'inst/s',
      note: `${Math.round(secs * 1000)} ms`,
    });

    // (d) 200 Shell steps in a chain: everything above the scripts' own time is overhead
    // (dispatch through Redis, claim, process start, report, decision).
    await push({
      id: 'bench.shell',
      steps: Array.from({ length: 200 }, (_, i) => ({
        step: {
          id: `s${i}`,
          type: 'Shell',
          params: { script: { value: 'true', type: 'STRING' } },
          ...(i < 199 ? { transition: { successors: { [`s${i + 1}`]: 'true' } } } : {}),
        },
      })),
    });
    const shell = await runToEnd(c, 'bench.shell');
    const per = shell.ms / 200;
    rows.push({ name: '200-step Shell chain: total', value: Math.round(shell.ms), unit: 'ms' });
    rows.push({
      name: '  overhead per Shell step (script time ~0)',
      value: Math.round(per * 10) / 10,
      unit: 'ms',
      note: 'incl. bash start',
    });

    // Memory does not grow with finished instances: RSS after each batch of 200 finished runs.
    const rss: number[] = [];
    for (let round = 0; round < 4; round++) {
      const batch = await Promise.all(
        Array.from({ length: 200 }, () => c.scheduler.startWorkflow({ workflowId: 'bench.ten' })),
      );
      for (const st of batch) {
        await waitFor(
          async () =>
            (await c.scheduler.getInstance({ ref: { workflowId: 'bench.ten', instanceId: st.instanceId } }))
              .instance?.status === 'SUCCEEDED',
          { timeoutMs: 120_000, intervalMs: 20, what: `instance ${st.instanceId}` },
        );
      }
      rss.push(currentRssMiB(stack.services.scheduler.pid));
    }
    for (const [i, v] of rss.entries()) {
      rows.push({
        name: `scheduler RSS after ${(i + 1) * 200} more finished runs`,
        value: v,
        unit: 'MiB',
        note: i === rss.length - 1 ? 'should level off, not grow with finished runs' : '',
      });
    }

    for (const name of ['definition', 'scheduler', 'step-runtime']) {
      rows.push({ name: `${name} peak RSS`, value: peakRssMiB(stack.services[name].pid), unit: 'MiB' });
    }
  } finally {
    c.close();
    await stack.stop();
  }
  report('engine', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

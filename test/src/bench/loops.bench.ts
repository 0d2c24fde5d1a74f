// Benchmark of loops (issue 5) on FerretDB + Redis with the services as processes:
// foreach of 10,000 and 100,000 NoOp iterations at concurrency 100 and 1,000, a
// 1,000,000-iteration foreach (the limit raised), a while of 10,000 iterations and three
// levels of foreach × subworkflow. Reports iterations/s, the p99 lag from an iteration slot
// freeing to the next iteration starting, total time, and peak RSS of each service.
//
// BENCH_LOOPS=fe10k,while (names below) runs a subset; the default runs all of them
// (about 25 minutes, most of it the million).
import type { Instance } from '@baton/proto';
import { type BatonClients, connect } from '@baton/sdk';
import { startStack } from '@baton/testing';
import {
  type Row,
  cpuPer,
  peakRssMiB,
  percentile,
  report,
  runToEnd as runWorkflow,
  stackCpuMs,
} from './bench-kit';

const CASES = ['fe10k', 'fe10k_1000', 'fe100k', 'fe100k_1000', 'while10k', 'nested', 'fe1m'] as const;
type Case = (typeof CASES)[number];

/** A foreach of NoOp iterations over the product of two ranges (SEL arrays stop at 25,001). */
function foreachOf(id: string, outer: number, inner: number, concurrency: number): unknown {
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
                b: { expression: `Util.intsBetween(0, ${inner}, 1)`, type: 'LONG_ARRAY' },
              },
              type: 'MAP',
            },
          },
          steps: [{ step: { id: 'n', type: 'NoOp' } }],
        },
      },
    ],
  };
}

async function push(c: BatonClients, workflow: unknown): Promise<void> {
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({ properties: { owner: 'bench', run_strategy: 'parallel' }, workflow }),
  });
}

const runToEnd = (c: BatonClients, workflowId: string) =>
  runWorkflow(c, workflowId, { timeoutMs: 3_600_000 });

/**
 * Lag from a slot freeing to the next iteration starting, over the first `sample` iterations:
 * iterations launch in index order, so iteration k ≥ c takes the slot the (k−c)-th iteration to
 * end (in time order) gave up.
 */
async function slotLagP99(
  c: BatonClients,
  ref: { workflowId: string; instanceId: string },
  concurrency: number,
  sample: number,
): Promise<number> {
  const starts: number[] = [];
  const ends: number[] = [];
  let pageToken = '';
  do {
    const page = await c.scheduler.listIterations({ ref, stepId: 'each', pageSize: 1000, pageToken });
    for (const it of page.iterations) {
      starts.push(it.startedAt ? it.startedAt.getTime() : Number.NaN);
      ends.push(it.endedAt ? it.endedAt.getTime() : Number.NaN);
    }
    pageToken = page.nextPageToken;
  } while (pageToken && starts.length < sample);
  const sortedEnds = ends.slice().sort((a, b) => a - b);
  const lags: number[] = [];
  for (let k = concurrency; k < starts.length; k++)
    lags.push(Math.max(0, starts[k]! - sortedEnds[k - concurrency]!));
  return percentile(lags, 99);
}

async function main(): Promise<void> {
  const wanted = new Set((process.env.BENCH_LOOPS ?? CASES.join(',')).split(',') as Case[]);
  const stack = await startStack({
    services: ['definition', 'scheduler'],
    env: { LOG_LEVEL: 'warn', SCHEDULER_MAX_FOREACH_ITERATIONS: '1000000' },
  });
  const c = connect({
    addresses: { definition: stack.addresses.definition, scheduler: stack.addresses.scheduler },
    timeoutMs: 120_000,
  });
  const rows: Row[] = [];
  const row = (
    name: string,
    n: number,
    ms: number,
    inst: Instance,
    extra: Partial<Row> = {},
    lag?: number,
    cpu?: string,
  ) => {
    const ips = Math.round(n / (ms / 1000));
    const note = [
      `${(ms / 1000).toFixed(1)} s`,
      inst.status,
      lag === undefined ? '' : `slot lag p99 ${lag} ms`,
      `scheduler RSS ${peakRssMiB(stack.services.scheduler.pid)} MiB`,
      cpu ? `CPU ms per iteration: ${cpu}` : '',
    ];
    // Print as it goes: the whole run takes minutes.
    console.log(`${name}: ${ips} it/s; ${note.filter(Boolean).join(', ')}`);
    rows.push({ name, value: ips, unit: 'it/s', note: note.filter(Boolean).join(', '), ...extra });
  };
  try {
    const foreachCases: [Case, number, number, number][] = [
      ['fe10k', 100, 100, 100],
      ['fe10k_1000', 100, 100, 1000],
      ['fe100k', 1000, 100, 100],
      ['fe100k_1000', 1000, 100, 1000],
      ['fe1m', 1000, 1000, 1000],
    ];
    for (const [name, outer, inner, conc] of foreachCases) {
      if (!wanted.has(name)) continue;
      const n = outer * inner;
      const id = `bench.${name}`;
      await push(c, foreachOf(id, outer, inner, conc));
      const cpu0 = stackCpuMs(stack);
      const { inst, ms } = await runToEnd(c, id);
      const cpu = cpuPer(cpu0, stackCpuMs(stack), n);
      const ok = Number(inst.steps[0]?.iterationCounts?.succeeded ?? 0);
      const lag = await slotLagP99(c, inst.ref!, conc, 5000);
      const rssNow = peakRssMiB(stack.services.scheduler.pid);
      const fast: { target?: string; met?: boolean } =
        n === 10_000
          ? { target: '<= 10 s', met: ms <= 10_000 }
          : n === 1_000_000
            ? { target: '<= 5 min, scheduler RSS < 300 MiB', met: ms <= 300_000 && rssNow < 300 }
            : {};
      row(
        `foreach ${n.toLocaleString('en')} NoOp @ concurrency ${conc}`,
        n,
        ms,
        inst,
        {
          target: fast.target ?? '>= 1000 it/s',
          met: (fast.met ?? n / (ms / 1000) >= 1000) && ok === n,
        },
        lag,
        cpu,
      );
      if (ok !== n) console.log(`  only ${ok} of ${n} iterations succeeded`);
      if (n === 100_000) {
        const rss = peakRssMiB(stack.services.scheduler.pid);
        rows.push({
          name: `scheduler peak RSS after ${name}`,
          value: rss,
          unit: 'MiB',
          target: '< 300',
          met: rss < 300,
        });
      }
    }
    if (wanted.has('while10k')) {
      await push(c, {
        id: 'bench.while',
        steps: [
          {
            while: {
              id: 'loop',
              condition: 'i < 10000',
              params: { loop_params: { value: { i: { value: 0, type: 'LONG' } }, type: 'MAP' } },
              steps: [
                { step: { id: 'bump', type: 'NoOp', params: { i: { expression: 'i + 1', type: 'LONG' } } } },
              ],
            },
          },
        ],
      });
      const cpu0 = stackCpuMs(stack);
      const { inst, ms } = await runToEnd(c, 'bench.while');
      const cpu = cpuPer(cpu0, stackCpuMs(stack), 10_000);
      row(
        'while, 10,000 NoOp iterations',
        10_000,
        ms,
        inst,
        { target: '>= 1000 it/s', met: 10_000 / (ms / 1000) >= 1000 },
        undefined,
        cpu,
      );
    }
    if (wanted.has('nested')) {
      // foreach(10) → subworkflow → foreach(10) → subworkflow → foreach(10) of NoOp: 1,000 leaves.
      const level = (id: string, inner: unknown) => ({
        id,
        steps: [
          {
            foreach: {
              id: 'each',
              concurrency: 10,
              params: {
                loop_params: {
                  value: { i: { expression: 'Util.intsBetween(0, 10, 1)', type: 'LONG_ARRAY' } },
                  type: 'MAP',
                },
              },
              steps: [inner],
            },
          },
        ],
      });
      const call = (target: string) => ({
        subworkflow: {
          id: 'call',
          params: { subworkflow_id: { value: target, type: 'STRING' } },
        },
      });
      await push(c, level('bench.nest3', { step: { id: 'n', type: 'NoOp' } }));
      await push(c, level('bench.nest2', call('bench.nest3')));
      await push(c, level('bench.nest1', call('bench.nest2')));
      const { inst, ms } = await runToEnd(c, 'bench.nest1');
      row('3 levels of foreach(10) × subworkflow: 1,000 leaf iterations', 1000, ms, inst);
    }
    for (const name of ['definition', 'scheduler'] as const) {
      rows.push({
        name: `peak RSS over the whole run, ${name}`,
        value: peakRssMiB(stack.services[name].pid),
        unit: 'MiB',
      });
    }
  } finally {
    c.close();
    await stack.stop();
  }
  report('loops', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Benchmark of loops (issue 5): foreach of NoOp iterations at concurrency 100 and 1,000,
// and a while loop, on FerretDB + Redis with the services as processes. Reports
// iterations/s, total time and peak RSS of the scheduler.
import type { Instance } from '@baton/proto';
import { connect } from '@baton/sdk';
import { startStack, waitFor } from '@baton/testing';
import { type Row, peakRssMiB, report } from './bench-kit';

async function main(): Promise<void> {
  const stack = await startStack({ services: ['definition', 'scheduler'], env: { LOG_LEVEL: 'warn' } });
  const c = connect({
    addresses: { definition: stack.addresses.definition, scheduler: stack.addresses.scheduler },
    timeoutMs: 120_000,
  });
  const rows: Row[] = [];
  const run = async (workflowId: string, workflow: unknown): Promise<{ inst: Instance; ms: number }> => {
    await c.definition.pushWorkflow({
      definitionJson: JSON.stringify({ properties: { owner: 'bench', run_strategy: 'parallel' }, workflow }),
    });
    const t0 = performance.now();
    const st = await c.scheduler.startWorkflow({ workflowId });
    let inst: Instance | undefined;
    await waitFor(
      async () => {
        inst = (await c.scheduler.getInstance({ ref: { workflowId, instanceId: st.instanceId } })).instance;
        return ['SUCCEEDED', 'FAILED'].includes(inst?.status ?? '');
      },
      { timeoutMs: 900_000, intervalMs: 250, what: `${workflowId} to end` },
    );
    return { inst: inst!, ms: performance.now() - t0 };
  };
  try {
    for (const [n, conc] of [
      [1_000, 100],
      [10_000, 100],
      [10_000, 1_000],
    ] as const) {
      const id = `bench.fe_${n}_${conc}`;
      const { inst, ms } = await run(id, {
        id,
        steps: [
          {
            foreach: {
              id: 'each',
              concurrency: conc,
              params: {
                loop_params: {
                  value: { i: { expression: `Util.intsBetween(0, ${n}, 1)`, type: 'LONG_ARRAY' } },
                  type: 'MAP',
                },
              },
              steps: [{ step: { id: 'n', type: 'NoOp' } }],
            },
          },
        ],
      });
      const ips = Math.round(n / (ms / 1000));
      // Print as it goes: the whole run takes minutes.
      console.log(`foreach ${n} @ ${conc}: ${ips} it/s in ${(ms / 1000).toFixed(1)} s (${inst.status})`);
      rows.push({
        name: `foreach ${n.toLocaleString('en')} NoOp iterations, concurrency ${conc}`,
        value: ips,
        unit: 'it/s',
        target: '>= 1000',
        met: ips >= 1000,
        note: `${(ms / 1000).toFixed(1)} s, ${inst.status}, ${inst.steps[0].iterationCounts.succeeded} ok`,
      });
    }
    const w = await run('bench.while', {
      id: 'bench.while',
      steps: [
        {
          while: {
            id: 'loop',
            condition: 'i < 1000',
            params: { loop_params: { value: { i: { value: 0, type: 'LONG' } }, type: 'MAP' } },
            steps: [
              { step: { id: 'bump', type: 'NoOp', params: { i: { expression: 'i + 1', type: 'LONG' } } } },
            ],
          },
        },
      ],
    });
    rows.push({
      name: 'while loop, 1,000 iterations',
      value: Math.round(1000 / (w.ms / 1000)),
      unit: 'it/s',
      note: `${(w.ms / 1000).toFixed(1)} s, ${w.inst.status}`,
    });
    rows.push({
      name: 'scheduler peak RSS',
      value: peakRssMiB(stack.services.scheduler.pid),
      unit: 'MiB',
      target: '< 300 at 100k',
      note: 'measured up to 10k',
    });
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

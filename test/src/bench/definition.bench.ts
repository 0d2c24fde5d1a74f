// Benchmark of the definition service (issue 2): push+validate of 100, 1,000 and
// 10,000-step definitions (p50 latency, peak RSS of the service) and GetWorkflow
// throughput with 8 concurrent clients. Real FerretDB, Redis and gRPC.
import { connect } from '@baton/sdk';
import { startStack } from '@baton/testing';
import { type Row, peakRssMiB, percentile, report } from './bench-kit';

function definition(id: string, steps: number, variant: number): string {
  const list = Array.from({ length: steps }, (_, i) => ({
    step: {
      id: `s${i}`,
      type: 'NoOp',
      ...(i + 1 < steps ? { transition: { successors: { [`s${i + 1}`]: 'true' } } } : {}),
    },
  }));
  return JSON.stringify({
    properties: { owner: 'bench' },
    workflow: {
      id,
      description: `variant ${variant}`,
      params: { v: { value: variant, type: 'LONG' } },
      steps: list,
    },
  });
}

async function main(): Promise<void> {
  const stack = await startStack({ services: ['definition'], env: { LOG_LEVEL: 'warn' } });
  const rows: Row[] = [];
  try {
    const clients = connect({ addresses: { definition: stack.addresses.definition }, timeoutMs: 60_000 });
    const def = clients.definition;
    for (const [steps, rounds] of [
      [100, 40],
      [1_000, 20],
      [10_000, 8],
    ] as const) {
      const validate: number[] = [];
      const push: number[] = [];
      for (let r = 0; r < rounds + 1; r++) {
        const text = definition(`bench.s${steps}`, steps, r);
        let t = performance.now();
        await def.validateWorkflow({ definitionJson: text, user: '' });
        const v = performance.now() - t;
        t = performance.now();
        const res = await def.pushWorkflow({ definitionJson: text, user: '' });
        const p = performance.now() - t;
        if (!res.created) throw new Error('expected a new version');
        if (r > 0) {
          // The first round warms up the JIT and the connection.
          validate.push(v);
          push.push(p);
        }
      }
      const p50 = Math.round(percentile(push, 50) * 10) / 10;
      rows.push({
        name: `ValidateWorkflow ${steps} steps p50`,
        value: Math.round(percentile(validate, 50) * 10) / 10,
        unit: 'ms',
      });
      rows.push({
        name: `PushWorkflow ${steps} steps p50 (validate + store)`,
        value: p50,
        unit: 'ms',
        ...(steps === 10_000 ? { target: '< 1000 ms', met: p50 < 1000 } : {}),
      });
      rows.push({
        name: `definition service peak RSS after ${steps}-step pushes`,
        value: peakRssMiB(stack.services.definition.pid),
        unit: 'MiB',
      });
    }

    // GetWorkflow: 8 concurrent clients, each with its own channel, for a fixed time.
    await def.pushWorkflow({ definitionJson: definition('bench.get', 20, 0), user: '' });
    const clientsN = 8;
    const durationMs = 5_000;
    const latencies: number[] = [];
    const readers = Array.from({ length: clientsN }, () =>
      connect({ addresses: { definition: stack.addresses.definition } }),
    );
    for (const c of readers) await c.definition.getWorkflow({ workflowId: 'bench.get', version: 'latest' });
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      readers.map(async (c) => {
        while (performance.now() < deadline) {
          const t = performance.now();
          await c.definition.getWorkflow({ workflowId: 'bench.get', version: 'latest' });
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const rps = Math.round(latencies.length / elapsed);
    rows.push({
      name: 'GetWorkflow throughput, 8 clients',
      value: rps,
      unit: 'req/s',
      target: '>= 2000',
      met: rps >= 2000,
    });
    rows.push({
      name: 'GetWorkflow p50',
      value: Math.round(percentile(latencies, 50) * 100) / 100,
      unit: 'ms',
    });
    rows.push({
      name: 'GetWorkflow p99',
      value: Math.round(percentile(latencies, 99) * 100) / 100,
      unit: 'ms',
    });
    rows.push({
      name: 'definition service peak RSS (end)',
      value: peakRssMiB(stack.services.definition.pid),
      unit: 'MiB',
    });
    for (const c of readers) c.close();
    clients.close();
  } finally {
    await stack.stop();
  }
  report('definition', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// What TLS and auth cost per call (issue 10; goal ≤ 10% on GetWorkflow and StartWorkflow): the same
// calls against a dev stack (plaintext, no auth) — the floor — and a secure one (TLS, bearer token,
// permission check, audit record for StartWorkflow). Real FerretDB, Redis and gRPC.
import { type BatonClients, connect } from '@baton/sdk';
import { type Stack, startStack } from '@baton/testing';
import { type Row, percentile, report } from './bench-kit';

interface Figures {
  getP50: number;
  getPerSec: number;
  startP50: number;
  startPerSec: number;
}

async function measure(stack: Stack): Promise<Figures> {
  const mk = (): BatonClients =>
    connect({
      addresses: { definition: stack.addresses.definition, scheduler: stack.addresses.scheduler },
      env: { ...stack.clientEnv },
      timeoutMs: 60_000,
    });
  const c = mk();
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({
      workflow: { id: 'bench.sec', steps: [{ step: { id: 'a', type: 'NoOp' } }] },
    }),
  });
  // Sequential latency.
  const get: number[] = [];
  for (let i = 0; i < 520; i++) {
    const t = performance.now();
    await c.definition.getWorkflow({ workflowId: 'bench.sec' });
    if (i >= 20) get.push(performance.now() - t);
  }
  const start: number[] = [];
  for (let i = 0; i < 110; i++) {
    const t = performance.now();
    await c.scheduler.startWorkflow({ workflowId: 'bench.sec' });
    if (i >= 10) start.push(performance.now() - t);
  }
  // Throughput with 8 clients (each its own channel and TLS session).
  const clients = Array.from({ length: 8 }, mk);
  const rate = async (n: number, call: (k: BatonClients) => Promise<unknown>) => {
    await Promise.all(clients.map((k) => call(k)));
    const t = performance.now();
    await Promise.all(
      clients.map(async (k) => {
        for (let i = 0; i < n; i++) await call(k);
      }),
    );
    return (clients.length * n) / ((performance.now() - t) / 1000);
  };
  const getPerSec = await rate(250, (k) => k.definition.getWorkflow({ workflowId: 'bench.sec' }));
  const startPerSec = await rate(25, (k) => k.scheduler.startWorkflow({ workflowId: 'bench.sec' }));
  for (const k of [c, ...clients]) k.close();
  return {
    getP50: percentile(get, 50),
    getPerSec,
    startP50: percentile(start, 50),
    startPerSec,
  };
}

async function stackOf(security: 'dev' | 'secure', tls = true): Promise<Stack> {
  return startStack({ services: ['definition', 'scheduler'], security, tls, env: { LOG_LEVEL: 'warn' } });
}

/** The median of each figure over rounds. */
function medianOf(rounds: Figures[]): Figures {
  const m = (k: keyof Figures) =>
    percentile(
      rounds.map((r) => r[k]),
      50,
    );
  return {
    getP50: m('getP50'),
    getPerSec: m('getPerSec'),
    startP50: m('startP50'),
    startPerSec: m('startPerSec'),
  };
}

async function main(): Promise<void> {
  // All stacks up at once and measured in turns (dev, secure, token only, dev…), so a slow moment
  // of the machine falls on every side; the median of the rounds is reported.
  const rounds = Number(process.env.BENCH_SECURITY_ROUNDS ?? 3);
  // A third stack with tokens but plaintext splits the cost between authentication and TLS.
  const [devStack, secStack, authStack] = [
    await stackOf('dev'),
    await stackOf('secure'),
    await stackOf('secure', false),
  ];
  const devRounds: Figures[] = [];
  const secRounds: Figures[] = [];
  const authRounds: Figures[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      devRounds.push(await measure(devStack));
      secRounds.push(await measure(secStack));
      authRounds.push(await measure(authStack));
    }
  } finally {
    await Promise.all([devStack.stop(), secStack.stop(), authStack.stop()]);
  }
  const dev = medianOf(devRounds);
  const sec = medianOf(secRounds);
  const auth = medianOf(authRounds);
  const r1 = (x: number) => Math.round(x * 100) / 100;
  const cost = (secure: number, floor: number, higherIsBetter: boolean) =>
    higherIsBetter ? floor / secure - 1 : secure / floor - 1;
  const rows: Row[] = [];
  for (const [name, key, unit, up] of [
    ['GetWorkflow p50', 'getP50', 'ms', false],
    ['GetWorkflow, 8 clients', 'getPerSec', 'calls/s', true],
    ['StartWorkflow p50', 'startP50', 'ms', false],
    ['StartWorkflow, 8 clients', 'startPerSec', 'calls/s', true],
  ] as const) {
    const c = cost(sec[key], dev[key], up);
    const a = cost(auth[key], dev[key], up);
    rows.push({
      name: `${name} (TLS + token)`,
      value: r1(sec[key]),
      unit,
      target: '≤ 10% over the floor',
      met: c <= 0.1,
      note: `floor (plaintext, no auth) ${r1(dev[key])} ${unit}; cost ${(c * 100).toFixed(1)}%, of which token alone ${(a * 100).toFixed(1)}% (${r1(auth[key])} ${unit})`,
    });
  }
  report('security', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Benchmark of the web console (issue 16) in headless Chromium (Debian's, driven by playwright-core;
// BATON_CHROMIUM overrides its path) against a real stack and a real console process:
//   - time to first render of a 10,000-step definition's page, /workflows/<id>: from navigation to
//     the DAG's first frame on screen (its `baton:dag-drawn` performance mark); two shapes, a chain
//     and 100 ranks of 100 steps with conditional edges;
//   - time to first render of page 1 of a 100,000-iteration foreach's iterations,
//     /runs/<key>/steps/each/iterations: from navigation to the first row in the table.
// Each beside its floors: Chromium's first paint of the console's app shell from the same server
// (a path with no page: no data, no API call) and the raw call the page waits on (GetWorkflow of
// the definition, ListIterations of one page), through the SDK straight to the service.
// About two minutes, most of it the 100,000 iterations running. BENCH_CONSOLE=dag or =iterations
// runs one half.
import { join } from 'node:path';
import { connect } from '@baton/sdk';
import { freePort, type Proc, startProc, startStack, stopProc, waitFor } from '@baton/testing';
import { chromium, type Page } from 'playwright-core';
import { repoRoot } from '../support/repo';
import { type Row, percentile, report } from './bench-kit';

const CHROMIUM = process.env.BATON_CHROMIUM ?? '/usr/bin/chromium';
const ROUNDS = 5;
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

function chain(id: string, n: number): unknown {
  return {
    id,
    steps: Array.from({ length: n }, (_, i) => ({
      step: {
        id: `s${i}`,
        type: 'NoOp',
        ...(i + 1 < n ? { transition: { successors: { [`s${i + 1}`]: 'true' } } } : {}),
      },
    })),
  };
}

/** Ranks of `width` steps, each feeding two steps of the next rank; every seventh edge has a SEL condition. */
function layered(id: string, n: number, width: number): unknown {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  return {
    id,
    steps: Array.from({ length: n }, (_, i) => {
      const next = Math.floor(i / width) * width + width;
      const successors: Record<string, string> = {};
      if (next < n) {
        successors[`s${next + Math.floor(rnd() * Math.min(width, n - next))}`] = 'true';
        successors[`s${next + Math.floor(rnd() * Math.min(width, n - next))}`] =
          i % 7 === 0 ? `params.getFromStep('s${i}', 'rows') > ${i}` : 'true';
      }
      return { step: { id: `s${i}`, type: 'NoOp', ...(next < n ? { transition: { successors } } : {}) } };
    }),
  };
}

/** A foreach of NoOp iterations over the product of two ranges (SEL arrays stop at 25,001). */
function foreach(id: string, outer: number, inner: number): unknown {
  return {
    id,
    steps: [
      {
        foreach: {
          id: 'each',
          concurrency: 1000,
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

/** Loads a console URL in a fresh page and returns ms from navigation start to `ready`. */
async function firstRender(page: Page, url: string, ready: () => number | false): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(ready, undefined, { timeout: 60_000, polling: 'raf' });
  return Number(await handle.jsonValue());
}

/** The app shell's first contentful paint: the floor of any console page. */
const shellPainted = () => {
  const e = performance.getEntriesByName('first-contentful-paint')[0];
  return e ? e.startTime : false;
};
const dagDrawn = () => {
  const e = performance.getEntriesByName('baton:dag-drawn')[0];
  return e ? e.startTime : false;
};
/** When the page had the answer of a console call (resource timing), in ms from navigation. */
const responseEnd = (path: string) =>
  (
    performance.getEntriesByType('resource').find((e) => e.name.includes(path)) as
      | { responseEnd?: number }
      | undefined
  )?.responseEnd ?? Number.NaN;
const iterationRows = () => {
  // Runs in the page; this file is compiled without the DOM's types.
  const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
  return doc.querySelector('[data-testid="iterations"] tbody tr') ? performance.now() : false;
};

async function timed(n: number, fn: () => Promise<number>): Promise<number[]> {
  await fn(); // warm-up: the browser's cache and the server's JIT
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

/** Rounds of the raw call then the page, one after the other, so both see the same machine. */
async function interleaved(
  raw: () => Promise<number>,
  page: () => Promise<number>,
): Promise<{ raw: number[]; page: number[] }> {
  const out = { raw: [] as number[], page: [] as number[] };
  for (let i = 0; i <= ROUNDS; i++) {
    const r = await raw();
    const p = await page();
    // Round 0 warms up the browser's cache and the servers' JIT.
    if (i === 0) continue;
    out.raw.push(r);
    out.page.push(p);
  }
  return out;
}

async function main(): Promise<void> {
  const wanted = new Set((process.env.BENCH_CONSOLE ?? 'dag,iterations').split(','));
  const stack = await startStack({
    services: ['definition', 'scheduler', 'signal'],
    env: { LOG_LEVEL: 'warn' },
  });
  const c = connect({
    addresses: { definition: stack.addresses.definition, scheduler: stack.addresses.scheduler },
    timeoutMs: 120_000,
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let consoleProc: Proc | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const rows: Row[] = [];
  try {
    consoleProc = startProc(
      process.execPath,
      [join(repoRoot, 'services', 'console', 'dist', 'main.js')],
      'console',
      {
        cwd: repoRoot,
        env: { ...process.env, ...stack.clientEnv, CONSOLE_PORT: String(port), BATON_LOG_LEVEL: 'warn' },
      },
    );
    await waitFor(async () => (await fetch(`${base}/`).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the console to answer',
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));

    const shell = percentile(
      await timed(ROUNDS, () => firstRender(page, `${base}/bench/no-such-page`, shellPainted)),
      50,
    );
    rows.push({ name: 'floor: first paint of the console shell (no data)', value: round(shell), unit: 'ms' });
    console.log(`shell first paint ${round(shell)} ms`);

    if (wanted.has('dag')) {
      for (const [name, wf] of [
        ['chain', chain('bench.console.chain', 10_000)],
        ['100 ranks of 100', layered('bench.console.layers', 10_000, 100)],
      ] as const) {
        const id = (wf as { id: string }).id;
        await c.definition.pushWorkflow({
          definitionJson: JSON.stringify({ properties: { owner: 'bench' }, workflow: wf }),
        });
        const arrived: number[] = [];
        const { raw: get, page: ms } = await interleaved(
          async () => {
            const t = performance.now();
            await c.definition.getWorkflow({ workflowId: id, version: 'latest' });
            return performance.now() - t;
          },
          async () => {
            const t = await firstRender(page, `${base}/workflows/${encodeURIComponent(id)}`, dagDrawn);
            arrived.push(await page.evaluate(responseEnd, '/api/rpc/definition/GetWorkflow'));
            return t;
          },
        );
        const raw = percentile(get, 50);
        const p50 = percentile(ms, 50);
        const data = percentile(arrived.slice(1), 50); // round 0 is the warm-up
        const layout = Number(await page.getAttribute('.dag', 'data-layout-ms'));
        await page.screenshot({ path: join(repoRoot, 'test-results', `bench-console-${id}.png`) });
        rows.push({
          name: `10,000-step DAG (${name}): first render p50`,
          value: round(p50),
          unit: 'ms',
          target: '< 2000',
          met: p50 < 2000,
          note: `max ${round(Math.max(...ms))} ms; definition in the browser at ${round(data)} ms, layout ${layout} ms; floor: shell ${round(shell)} ms + GetWorkflow ${round(raw, 1)} ms = ${round(shell + raw)} ms (${round(p50 / (shell + raw), 1)}x)`,
        });
        rows.push({
          name: `floor: GetWorkflow of the 10,000 steps (${name}) p50`,
          value: round(raw, 1),
          unit: 'ms',
        });
        console.log(`${name}: ${round(p50)} ms`);
      }
    }

    if (wanted.has('iterations')) {
      const id = 'bench.console.fe100k';
      await c.definition.pushWorkflow({
        definitionJson: JSON.stringify({
          properties: { owner: 'bench', run_strategy: 'parallel' },
          workflow: foreach(id, 1000, 100),
        }),
      });
      const t0 = performance.now();
      const st = await c.scheduler.startWorkflow({ workflowId: id });
      const ref = { workflowId: id, instanceId: st.instanceId };
      // Wait for the run to end (every iteration exists then), at most three minutes.
      let inst = (await c.scheduler.getInstance({ ref })).instance!;
      await waitFor(
        async () => {
          inst = (await c.scheduler.getInstance({ ref })).instance!;
          return ['SUCCEEDED', 'FAILED', 'STOPPED', 'TIMED_OUT'].includes(inst.status);
        },
        { timeoutMs: 180_000, intervalMs: 1000, what: 'the foreach run to end' },
      ).catch(() => undefined);
      const counts = inst.steps.find((s) => s.stepId === 'each')?.iterationCounts ?? {};
      const iterations = Number(counts.total ?? 0);
      const succeeded = Number(counts.succeeded ?? 0);
      const runSeconds = (performance.now() - t0) / 1000;
      console.log(
        `foreach: ${inst.status}, ${succeeded}/${iterations} iterations in ${round(runSeconds, 1)} s`,
      );
      const url = `${base}/runs/${encodeURIComponent(inst.key)}/steps/each/iterations`;
      const { raw: list, page: ms } = await interleaved(
        async () => {
          const t = performance.now();
          await c.scheduler.listIterations({ ref, stepId: 'each', pageSize: 100, pageToken: '' });
          return performance.now() - t;
        },
        () => firstRender(page, url, iterationRows),
      );
      const raw = percentile(list, 50);
      const p50 = percentile(ms, 50);
      await page.screenshot({ path: join(repoRoot, 'test-results', 'bench-console-iterations.png') });
      rows.push({
        name: `iterations page 1 of a ${iterations.toLocaleString('en')}-iteration foreach: first render p50`,
        value: round(p50),
        unit: 'ms',
        note: `max ${round(Math.max(...ms))} ms; run ${inst.status} (${succeeded.toLocaleString('en')} succeeded) in ${round(runSeconds, 1)} s; floor: shell ${round(shell)} ms + ListIterations ${round(raw, 1)} ms = ${round(shell + raw)} ms (${round(p50 / (shell + raw), 1)}x)`,
      });
      rows.push({ name: 'floor: ListIterations, one page of 100, p50', value: round(raw, 1), unit: 'ms' });
    }
  } finally {
    await browser.close();
    if (consoleProc) await stopProc(consoleProc, 5000);
    c.close();
    await stack.stop();
  }
  report('console', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

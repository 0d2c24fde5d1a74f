// Job step types (issue 12): what a chain of Http, SQL, Notebook and Docker steps costs per step, beside
// the same chain of Shell `true` steps (a process per step) and the floors of this machine: a bare
// HTTP GET on a fresh connection and a bare `SELECT 1` on a pooled PostgreSQL connection, from node.
// "In step-runtime" is the attempt's own time (start → end of the job); the rest of a step is
// orchestration, as for Shell. Real services, a local HTTP server and a private PostgreSQL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { StepRun } from '@baton/proto';
import { type BatonClients, connect } from '@baton/sdk';
import { BUSYBOX_IMAGE, startPodman, startPostgres, startStack } from '@baton/testing';
import pg from 'pg';
import { type Row, percentile, report, runToEnd } from './bench-kit';

const N = Number(process.env.BENCH_JOBS_STEPS ?? 50);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const str = (value: string) => ({ type: 'STRING', value });

type Kind = 'Shell' | 'Http' | 'SQL' | 'Notebook' | 'Docker';

/** A one-cell notebook, the smallest a Notebook step runs. */
const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [{ cell_type: 'code', id: 'c', metadata: {}, execution_count: null, outputs: [], source: '1 + 1' }],
});
/** The floor of a Notebook step: the same notebook run by nbclient in a fresh python3, no Baton. */
const BARE_NBCLIENT = `import nbformat, sys\nfrom nbclient import NotebookClient\nNotebookClient(nbformat.reads(sys.stdin.read(), as_version=4), kernel_name='python3').execute()`;
function step(kind: Kind, id: string, next: string | undefined, url: string) {
  const params =
    kind === 'Shell'
      ? { script: str('true') }
      : kind === 'Http'
        ? { http: { type: 'MAP', value: { url: str(url) } } }
        : kind === 'Notebook'
          ? { notebook: { type: 'MAP', value: { source: str(NOTEBOOK) } } }
          : kind === 'Docker'
            ? {
                docker: {
                  type: 'MAP',
                  value: {
                    image: str(BUSYBOX_IMAGE),
                    pull: str('never'),
                    command: { type: 'STRING_ARRAY', value: ['true'] },
                  },
                },
              }
            : {
                sql: { type: 'MAP', value: { connection: str('bench'), statements: str('SELECT 1 AS one') } },
              };
  return {
    step: { id, type: kind, params, ...(next ? { transition: { successors: { [next]: 'true' } } } : {}) },
  };
}

async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

async function chain(
  c: BatonClients,
  kind: Kind,
  url: string,
  n = N,
): Promise<{ perStep: number; inRuntime: number[] }> {
  const id = `bench.jobs.${kind.toLowerCase()}`;
  await c.definition.pushWorkflow({
    definitionJson: JSON.stringify({
      workflow: {
        id,
        steps: Array.from({ length: n }, (_, i) =>
          step(kind, `s${i}`, i + 1 < n ? `s${i + 1}` : undefined, url),
        ),
      },
    }),
  });
  const { inst, ms } = await runToEnd(c, id, { timeoutMs: 600_000 });
  if (inst.status !== 'SUCCEEDED') throw new Error(`${id} ended ${inst.status}: ${inst.error}`);
  const runs: StepRun[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.scheduler.getStepRun({ ref: inst.ref, stepId: `s${i}` });
    if (r.stepRun) runs.push(r.stepRun);
  }
  const inRuntime = runs
    .map((r) => r.attempts.at(-1))
    .filter((a) => a?.startedAt && a.endedAt)
    .map((a) => +a!.endedAt! - +a!.startedAt!);
  // Where the rest goes: the step's start → its attempt's start, and the attempt's end → the step's end.
  const edges = runs.flatMap((r) => {
    const a = r.attempts.at(-1);
    const st = r.summary;
    return a?.startedAt && a.endedAt && st?.startedAt && st.endedAt
      ? [{ toStart: +a.startedAt - +st.startedAt, toEnd: +st.endedAt - +a.endedAt }]
      : [];
  });
  console.log(
    `${kind}: step start → attempt start p50 ${percentile(
      edges.map((e) => e.toStart),
      50,
    )} ms, attempt end → step end p50 ${percentile(
      edges.map((e) => e.toEnd),
      50,
    )} ms`,
  );
  return { perStep: ms / n, inRuntime };
}

async function main(): Promise<void> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const db = await startPostgres();
  const podman = await startPodman();
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-jobs-'));
  const connections = join(dir, 'connections.json');
  writeFileSync(connections, JSON.stringify({ bench: { driver: 'postgres', url: db.url } }));
  const stack = await startStack({
    env: {
      LOG_LEVEL: 'error',
      BATON_HTTP_ALLOW: '127.0.0.1',
      BATON_CONNECTIONS_FILE: connections,
      DOCKER_HOST: podman.dockerHost,
    },
  });
  const c = connect({ addresses: { ...stack.addresses, stepRuntime: stack.addresses['step-runtime'] } });
  try {
    // Floors, measured from this process as a client would: 200 each after 20 to warm up.
    await timeIt(20, () => get(url));
    const httpFloor = percentile(await timeIt(200, () => get(url)), 50);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    await timeIt(20, () => pool.query('SELECT 1 AS one'));
    const sqlFloor = percentile(await timeIt(200, () => pool.query('SELECT 1 AS one')), 50);
    await pool.end();

    const rows: Row[] = [
      { name: 'floor: HTTP GET, fresh connection, p50', value: round(httpFloor), unit: 'ms' },
      { name: 'floor: PostgreSQL SELECT 1, pooled, p50', value: round(sqlFloor), unit: 'ms' },
    ];
    const shell = await chain(c, 'Shell', url);
    rows.push({
      name: `chain of ${N} Shell true steps`,
      value: round(shell.perStep, 1),
      unit: 'ms/step',
      note: `process p50 ${round(percentile(shell.inRuntime, 50), 1)} ms (the reference for job types)`,
    });
    for (const [kind, floor] of [
      ['Http', httpFloor],
      ['SQL', sqlFloor],
    ] as const) {
      const r = await chain(c, kind, url);
      const job = percentile(r.inRuntime, 50);
      rows.push({
        name: `chain of ${N} ${kind} steps`,
        value: round(r.perStep, 1),
        unit: 'ms/step',
        note: `${round(r.perStep / shell.perStep)}x a Shell step`,
      });
      rows.push({
        name: `${kind} step: in step-runtime, p50`,
        value: round(job),
        unit: 'ms',
        note: `floor ${round(floor)} ms: ${round(job / floor, 1)}x (start → end of the job: params, logs, the call)`,
      });
    }
    // Notebook: a kernel start per step dominates; 5 steps, beside nbclient run bare 5 times.
    const bare = await timeIt(5, async () => {
      const r = spawnSync('/usr/bin/python3', ['-c', BARE_NBCLIENT], { input: NOTEBOOK, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`bare nbclient failed: ${r.stderr}`);
    });
    const nbFloor = percentile(bare, 50);
    const nb = await chain(c, 'Notebook', url, 5);
    rows.push({
      name: 'floor: nbclient runs the notebook in a fresh python3, p50',
      value: round(nbFloor, 0),
      unit: 'ms',
    });
    rows.push({
      name: 'chain of 5 Notebook steps (one cell)',
      value: round(nb.perStep, 0),
      unit: 'ms/step',
      note: `in step-runtime p50 ${round(percentile(nb.inRuntime, 50), 0)} ms: ${round(percentile(nb.inRuntime, 50) / nbFloor, 2)}x the floor`,
    });
    // Docker: create → start → wait → remove per step, beside `podman run --rm` of the same image.
    const bareRun = await timeIt(10, async () =>
      podman.podman(['run', '--rm', '--network', 'none', BUSYBOX_IMAGE, 'true']),
    );
    const runFloor = percentile(bareRun, 50);
    const dk = await chain(c, 'Docker', url, 20);
    rows.push({ name: 'floor: podman run --rm (busybox true), p50', value: round(runFloor, 0), unit: 'ms' });
    rows.push({
      name: 'chain of 20 Docker steps (true)',
      value: round(dk.perStep, 0),
      unit: 'ms/step',
      note: `in step-runtime p50 ${round(percentile(dk.inRuntime, 50), 0)} ms: ${round(percentile(dk.inRuntime, 50) / runFloor, 2)}x the floor`,
    });
    report('jobs', rows);
  } finally {
    c.close();
    await stack.stop();
    await db.stop();
    await podman.stop();
    rmSync(dir, { recursive: true, force: true });
    server.closeAllConnections();
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

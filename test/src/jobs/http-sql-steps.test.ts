import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type BatonClients, connect, fromParamValue } from '@baton/sdk';
import {
  type SqlServerHandle,
  type Stack,
  startMariadb,
  startPostgres,
  startStack,
  waitFor,
} from '@baton/testing';
import pgDriver from 'pg';
import { push, waitEnd } from '../scheduler/support';
import { readRepoFile } from '../support/repo';

// Http and SQL steps through the real services: a workflow fetches JSON from a local HTTP server,
// writes what it got into a private PostgreSQL through a named connection, and reads it back;
// each step's outputs feed the next one's params.
let stack: Stack;
let clients: BatonClients;
let pg: SqlServerHandle;
let maria: SqlServerHandle;
let server: Server;
let base = '';
const dir = mkdtempSync(join(tmpdir(), 'baton-jobs-e2e-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ region: 'eu', orders: 42, path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  [pg, maria] = await Promise.all([startPostgres(), startMariadb()]);
  const connections = join(dir, 'connections.json');
  // `demo` is the connection the examples use (npm start makes it the same way).
  writeFileSync(
    connections,
    JSON.stringify({
      warehouse: { driver: 'postgres', url: pg.url },
      demo: { driver: 'postgres', url: pg.url },
      mart: { driver: 'mysql', url: maria.url },
    }),
  );
  stack = await startStack({
    env: {
      LOG_LEVEL: 'warn',
      BATON_HTTP_ALLOW: '127.0.0.1',
      BATON_CONNECTIONS_FILE: connections,
      // A lost attempt is noticed soon after its worker dies (the kill -9 test).
      STEP_RUNTIME_LEASE_MS: '3000',
      STEP_RUNTIME_SWEEP_MS: '1000',
    },
  });
  clients = connect({
    addresses: { ...stack.addresses, stepRuntime: stack.addresses['step-runtime'] },
    env: { ...process.env, ...stack.clientEnv },
  });
});
afterAll(async () => {
  clients?.close();
  await stack?.stop();
  await Promise.all([pg?.stop(), maria?.stop()]);
  server?.closeAllConnections();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const str = (value: string) => ({ type: 'STRING', value });
const map = (value: Record<string, unknown>) => ({ type: 'MAP', value });

describe('Http and SQL steps end to end', () => {
  test('fetch → insert with binds → query; outputs flow between steps', async () => {
    await push(clients, {
      id: 'jobs.e2e',
      params: { day: str('20240101'), base: str(base) },
      steps: [
        {
          step: {
            id: 'fetch',
            type: 'Http',
            params: { http: map({ url: str('${base}/orders/${day}') }) },
            transition: { successors: { load: 'true' } },
          },
        },
        {
          step: {
            id: 'load',
            type: 'SQL',
            params: {
              sql: map({
                connection: str('warehouse'),
                statements: {
                  type: 'STRING_ARRAY',
                  value: [
                    'CREATE TABLE orders_${day} (region TEXT, n INT)',
                    'INSERT INTO orders_${day} VALUES (:region, :n)',
                  ],
                },
                bind: map({
                  region: { type: 'STRING', expression: 'params.getFromStep("fetch", "json")["region"]' },
                  n: { type: 'LONG', expression: 'params.getFromStep("fetch", "json")["orders"]' },
                }),
              }),
            },
            transition: { successors: { report: 'true' } },
          },
        },
        {
          step: {
            id: 'report',
            type: 'SQL',
            params: {
              sql: map({
                connection: str('warehouse'),
                statements: str('SELECT region, n FROM orders_${day}'),
              }),
            },
          },
        },
      ],
    });
    const st = await clients.scheduler.startWorkflow({ workflowId: 'jobs.e2e' });
    const inst = await waitEnd(clients, 'jobs.e2e', st.instanceId, 60_000);
    assert.equal(
      inst.status,
      'SUCCEEDED',
      JSON.stringify(inst.steps.map((s) => [s.stepId, s.status, s.error])),
    );
    const ref = { workflowId: 'jobs.e2e', instanceId: st.instanceId };
    const outputs = async (stepId: string) =>
      (await clients.scheduler.getStepRun({ ref, stepId })).stepRun!.summary!.outputs;
    const fetch = await outputs('fetch');
    assert.equal(fromParamValue(fetch.status_code!), 200);
    const load = await outputs('load');
    assert.equal(fromParamValue(load.rows_affected!), 1);
    const report = await outputs('report');
    assert.deepEqual(fromParamValue(report.result!), { rows: [{ region: 'eu', n: 42 }], truncated: false });
    assert.deepEqual(fromParamValue(report.first_row!), { region: 'eu', n: 42 });
  });

  test('the SQL example (examples/sql-daily-orders.json) runs, twice, and the Http example is valid', async () => {
    for (const name of ['sql-daily-orders', 'http-status'])
      await clients.definition.pushWorkflow({ definitionJson: readRepoFile('examples', `${name}.json`) });
    for (let run = 1; run <= 2; run++) {
      const st = await clients.scheduler.startWorkflow({ workflowId: 'demo.sql_daily_orders' });
      const inst = await waitEnd(clients, 'demo.sql_daily_orders', st.instanceId, 60_000);
      assert.equal(
        inst.status,
        'SUCCEEDED',
        JSON.stringify(inst.steps.map((s) => [s.stepId, s.status, s.error])),
      );
      const ref = { workflowId: 'demo.sql_daily_orders', instanceId: st.instanceId };
      const count = (await clients.scheduler.getStepRun({ ref, stepId: 'count' })).stepRun!.summary!.outputs;
      // The same day twice: the load replaces its row, so the count stays one day of 42 orders.
      assert.deepEqual(fromParamValue(count.first_row!), { days: '1', orders: '42' });
    }
  });

  test('a hostile param cannot reach SQL text: the step fails and names sql.bind', async () => {
    await push(clients, {
      id: 'jobs.inject',
      params: { day: str('1; DROP TABLE orders_20240101; --') },
      steps: [
        {
          step: {
            id: 'q',
            type: 'SQL',
            params: { sql: map({ connection: str('warehouse'), statements: str('SELECT ${day}') }) },
          },
        },
      ],
    });
    const st = await clients.scheduler.startWorkflow({ workflowId: 'jobs.inject' });
    const inst = await waitEnd(clients, 'jobs.inject', st.instanceId, 60_000);
    assert.equal(inst.status, 'FAILED');
    assert.match(inst.steps[0]!.error, /sql\.bind/);
  });
});

const mariadb = (sql: string) =>
  execFileSync(
    'mariadb',
    ['--no-defaults', '--protocol=tcp', '-h127.0.0.1', `-P${maria.port}`, '-uroot', '-N', 'baton', '-e', sql],
    {
      encoding: 'utf8',
    },
  );

/** Statements of the kill -9 test still running on a server, through the server's own client. */
async function runningOn(server: 'pg' | 'mariadb'): Promise<number> {
  if (server === 'pg') {
    const db = new pgDriver.Client({ connectionString: pg.url });
    await db.connect();
    try {
      const q =
        "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND state = 'active' AND pid <> pg_backend_pid()";
      return Number((await db.query(q)).rows[0].n);
    } finally {
      await db.end();
    }
  }
  return Number(
    mariadb(
      "SELECT COUNT(*) FROM information_schema.processlist WHERE INFO LIKE '%UPDATE locks%' AND ID <> CONNECTION_ID()",
    ).trim(),
  );
}

describe('kill -9 of step-runtime mid-statement', () => {
  // PostgreSQL: a sleep (the server checks its client every second, as step-runtime asks).
  // MariaDB: an UPDATE waiting for a row lock another session holds — MariaDB never notices that
  // such a statement's client is gone; step-runtime's orphan sweeper must stop it.
  for (const [server, connection, statement] of [
    ['pg', 'warehouse', 'SELECT pg_sleep(CASE WHEN :attempt = 1 THEN 120 ELSE 0 END) AS slept'],
    ['mariadb', 'mart', 'UPDATE locks SET n = n + 1 WHERE id = :attempt'],
  ] as const) {
    test(`${server}: the orphaned statement is stopped, and the step succeeds on a new attempt`, async () => {
      let holder: ChildProcess | undefined;
      if (server === 'mariadb') {
        mariadb('CREATE TABLE locks (id INT PRIMARY KEY, n INT); INSERT INTO locks VALUES (1, 0), (2, 0)');
        holder = spawn(
          'mariadb',
          [
            '--no-defaults',
            '--protocol=tcp',
            '-h127.0.0.1',
            `-P${maria.port}`,
            '-uroot',
            'baton',
            '-e',
            'BEGIN; SELECT id FROM locks WHERE id = 1 FOR UPDATE; SELECT SLEEP(120); COMMIT;',
          ],
          { stdio: 'ignore' },
        );
      }
      const workflowId = `jobs.kill_${server}`;
      await push(clients, {
        id: workflowId,
        steps: [
          {
            step: {
              id: 'slow',
              type: 'SQL',
              retry_policy: { backoff: { type: 'FIXED_BACKOFF', platform_retry_backoff_in_secs: 1 } },
              params: {
                sql: map({
                  connection: str(connection),
                  // The first attempt blocks; the one that replaces it returns at once.
                  statements: str(statement),
                  bind: map({ attempt: { type: 'LONG', expression: 'step_attempt_id' } }),
                }),
              },
            },
          },
        ],
      });
      try {
        const st = await clients.scheduler.startWorkflow({ workflowId });
        await waitFor(async () => (await runningOn(server)) === 1, {
          timeoutMs: 30_000,
          what: 'the statement to run',
        });
        const runtime = stack.services['step-runtime']!;
        runtime.kill9();
        await runtime.exited();
        await runtime.start();
        await waitFor(async () => (await runningOn(server)) === 0, {
          timeoutMs: 10_000,
          what: `${server} to stop the statement of the dead step-runtime`,
        });
        const inst = await waitEnd(clients, workflowId, st.instanceId, 90_000);
        assert.equal(
          inst.status,
          'SUCCEEDED',
          JSON.stringify(inst.steps.map((s) => [s.stepId, s.status, s.error])),
        );
        const run = (
          await clients.scheduler.getStepRun({
            ref: { workflowId, instanceId: st.instanceId },
            stepId: 'slow',
          })
        ).stepRun!;
        assert.ok(run.attempts.length >= 2, 'a new attempt replaced the lost one');
        assert.notEqual(run.attempts[0]!.attemptKey, run.attempts.at(-1)!.attemptKey);
      } finally {
        holder?.kill('SIGKILL');
      }
    });
  }
});

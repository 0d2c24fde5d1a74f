import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type SqlServerHandle, startMariadb, startPostgres } from '@baton/testing';
import { logSink, makeSpec, tempRoot } from '../../../test/attempt-fixtures.js';
import type { JsonValue } from '../../runner/attempt-types.js';
import { runAttempt } from '../../runner/run-attempt.js';
import { jobSettings } from '../job-settings.js';
import type { JobSettings } from '../job.js';

// Real PostgreSQL and MariaDB servers of our own (temp dirs, free ports), reached through a
// connections file as step-runtime reads it.
const { root, cleanup } = tempRoot('sql');
let pg: SqlServerHandle;
let my: SqlServerHandle;
let settings: JobSettings;

beforeAll(async () => {
  [pg, my] = await Promise.all([startPostgres(), startMariadb()]);
  const file = join(root, 'connections.json');
  writeFileSync(
    file,
    JSON.stringify({
      pg: { driver: 'postgres', url: pg.url },
      my: { driver: 'mysql', url: my.url },
      down: { driver: 'postgres', url: 'postgres://baton@127.0.0.1:1/baton' },
    }),
  );
  settings = jobSettings('', file);
});
afterAll(async () => {
  await settings?.sql.close();
  await Promise.all([pg?.stop(), my?.stop()]);
  cleanup();
});

function sql(params: Record<string, JsonValue>, timeoutSeconds?: number) {
  const sink = logSink();
  const attempt = runAttempt(
    makeSpec('sql', {
      stepType: 'SQL',
      params: { sql: params },
      ...(timeoutSeconds ? { timeoutSeconds } : {}),
    }),
    { workRoot: root, onLog: sink.onLog, jobs: settings },
  );
  return { attempt, sink };
}

const HOSTILE = "x'); DROP TABLE items; --";

for (const [conn, sleep] of [
  ['pg', 'SELECT pg_sleep(30)'],
  ['my', 'SELECT SLEEP(30)'],
] as const) {
  describe(`SQL step on ${conn === 'pg' ? 'PostgreSQL' : 'MariaDB'}`, () => {
    test('statements run in order; binds are query parameters; rows come back as outputs', async () => {
      const { attempt, sink } = sql({
        connection: conn,
        statements: [
          'CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(100))',
          'INSERT INTO items VALUES (:a, :name), (:b, :other)',
          'SELECT id, name FROM items WHERE id >= :a ORDER BY id',
        ],
        bind: { a: 1, b: 2, name: HOSTILE, other: 'plain' },
      });
      const out = await attempt.result;
      assert.equal(out.status, 'SUCCEEDED', out.error);
      assert.equal(out.outputs.rows_affected, 2);
      assert.equal(out.outputs.row_count, 2);
      assert.deepEqual(out.outputs.columns, ['id', 'name']);
      // The hostile value is stored as data, and the table is still there.
      assert.deepEqual(out.outputs.result, {
        rows: [
          { id: 1, name: HOSTILE },
          { id: 2, name: 'plain' },
        ],
        truncated: false,
      });
      assert.deepEqual(out.outputs.first_row, { id: 1, name: HOSTILE });
      assert.match(sink.text('stdout'), /statement 3\/3: SELECT id, name FROM items/);
    });

    test('max_rows caps the rows output and says so', async () => {
      const out = await sql({ connection: conn, statements: 'SELECT id FROM items ORDER BY id', max_rows: 1 })
        .attempt.result;
      assert.equal(out.status, 'SUCCEEDED', out.error);
      assert.deepEqual(out.outputs.result, { rows: [{ id: 1 }], truncated: true });
      assert.equal(out.outputs.row_count, 2);
    });

    test('a failing statement fails USER_FAILED with the server message; a transaction rolls back', async () => {
      const out = await sql({
        connection: conn,
        transaction: true,
        statements: ['INSERT INTO items VALUES (3, :n)', 'INSERT INTO items VALUES (1, :n)'],
        bind: { n: 'dup' },
      }).attempt.result;
      assert.equal(out.status, 'USER_FAILED');
      assert.match(out.error ?? '', /statement 2 failed: .*(duplicate|Duplicate)/);
      const count = await sql({ connection: conn, statements: 'SELECT COUNT(*) AS n FROM items' }).attempt
        .result;
      assert.equal(Number((count.outputs.first_row as { n: JsonValue }).n), 2, 'row 3 was rolled back');
    });

    test('statement_timeout, the step timeout and stop cancel the statement on the server', async () => {
      const t0 = Date.now();
      const own = await sql({ connection: conn, statements: sleep, statement_timeout: 0.3 }).attempt.result;
      assert.equal(own.status, 'USER_FAILED');
      assert.match(own.error ?? '', /longer than 0\.3 s .*cancelled/);
      const step = await sql({ connection: conn, statements: sleep }, 0.3).attempt.result;
      assert.equal(step.status, 'TIMED_OUT');
      const { attempt } = sql({ connection: conn, statements: sleep });
      setTimeout(() => attempt.cancel('operator'), 200);
      assert.equal((await attempt.result).status, 'STOPPED');
      assert.ok(Date.now() - t0 < 10_000, 'no attempt waited for its sleep');
      // The server is not still sleeping for the cancelled statements.
      const activity =
        conn === 'pg'
          ? "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'"
          : "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP%'";
      const left = await sql({ connection: conn, statements: activity }).attempt.result;
      assert.equal(Number((left.outputs.first_row as { n: JsonValue }).n), 0);
    });

    test('an unknown bind name fails FATALLY before anything runs', async () => {
      const out = await sql({ connection: conn, statements: 'SELECT :missing' }).attempt.result;
      assert.equal(out.status, 'FATALLY_FAILED');
      assert.match(out.error ?? '', /refers to :missing/);
    });
  });
}

describe('SQL step platform failures', () => {
  test('an unknown connection or an unreachable server is PLATFORM_FAILED; credentials never show', async () => {
    const unknown = await sql({ connection: 'nope', statements: 'SELECT 1' }).attempt.result;
    assert.equal(unknown.status, 'PLATFORM_FAILED');
    assert.match(unknown.error ?? '', /no SQL connection named 'nope' .*known: pg, my, down/);
    const down = await sql({ connection: 'down', statements: 'SELECT 1' }).attempt.result;
    assert.equal(down.status, 'PLATFORM_FAILED');
    assert.match(down.error ?? '', /could not connect to SQL connection 'down'/);
    assert.doesNotMatch(down.error ?? '', /postgres:\/\//);
  });

  test('without a connections file the step says what to configure', async () => {
    const out = await runAttempt(
      makeSpec('sql', { stepType: 'SQL', params: { sql: { connection: 'pg', statements: 'SELECT 1' } } }),
      { workRoot: root },
    ).result;
    assert.equal(out.status, 'PLATFORM_FAILED');
    assert.match(out.error ?? '', /BATON_CONNECTIONS_FILE is not set/);
  });
});

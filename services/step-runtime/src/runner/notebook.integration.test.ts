import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, test } from '@jest/globals';
import { logSink, makeSpec, tempRoot } from '../../test/attempt-fixtures.js';
import type { JsonValue } from './attempt-types.js';
import { runAttempt } from './run-attempt.js';

// Notebooks executed for real by Jupyter's nbclient and an IPython kernel.
const { root, cleanup } = tempRoot('notebook');
afterAll(cleanup);

function notebook(cells: { source: string; tags?: string[] }[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((c, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: c.tags ? { tags: c.tags } : {},
      execution_count: null,
      outputs: [],
      source: c.source,
    })),
  });
}

/** Pids of live processes whose command line mentions `dir`. */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) pids.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function run(params: Record<string, JsonValue>, timeoutSeconds?: number) {
  const sink = logSink();
  const attempt = runAttempt(
    makeSpec('nb', { stepType: 'NOTEBOOK', params, ...(timeoutSeconds ? { timeoutSeconds } : {}) }),
    { workRoot: root, onLog: sink.onLog, killGraceMs: 2_000 },
  );
  return { attempt, sink };
}

describe('Notebook step', () => {
  test('params are injected after the parameters cell; outputs stream; the executed notebook is kept', async () => {
    const source = notebook([
      { source: "rows = 1\nregion = 'none'", tags: ['parameters'] },
      { source: "import json, os\nprint('rows', rows * 2, region)\nrows + 1" },
      {
        source:
          "with open(os.environ['BATON_OUTPUT_FILE'], 'w') as f:\n    json.dump({'total': rows * 10, 'region': region}, f)",
      },
    ]);
    const { attempt, sink } = run({ notebook: { source }, rows: 21, region: "eu'west" });
    const out = await attempt.result;
    assert.equal(out.status, 'SUCCEEDED', `${out.error}\n${sink.text()}`);
    assert.deepEqual(out.outputs, { total: 210, region: "eu'west" });
    assert.match(sink.text('stdout'), /rows 42 eu'west\n/);
    assert.match(sink.text('stdout'), /\n22\n/);
    const executed = JSON.parse(out.artifact!.data.toString('utf8'));
    assert.equal(out.artifact!.name, 'executed.ipynb');
    assert.deepEqual(executed.cells[1].metadata.tags, ['injected-parameters']);
    assert.match([executed.cells[1].source].flat().join(''), /rows = 21\nregion = "eu'west"/);
    assert.equal([executed.cells[2].outputs[0].text].flat().join(''), "rows 42 eu'west\n");
  });

  test('a failing cell fails the step with its traceback; later cells do not run; the notebook is still kept', async () => {
    const source = notebook([
      { source: "print('before')" },
      { source: '1 / 0' },
      { source: "print('after')" },
    ]);
    const { attempt, sink } = run({ notebook: { source } });
    const out = await attempt.result;
    assert.equal(out.status, 'USER_FAILED');
    assert.match(sink.text('stderr'), /ZeroDivisionError/);
    assert.doesNotMatch(sink.text('stdout'), /after/);
    const executed = JSON.parse(out.artifact!.data.toString('utf8'));
    // Cell 0 is the injected params (no cell is tagged `parameters`), so 1 / 0 is cell 2.
    assert.deepEqual(executed.cells[0].metadata.tags, ['injected-parameters']);
    assert.equal(executed.cells[2].outputs[0].ename, 'ZeroDivisionError');
  });

  test('the step timeout and stop end the kernel too', async () => {
    const source = notebook([{ source: "import time\nprint('sleeping', flush=True)\ntime.sleep(60)" }]);
    const t0 = Date.now();
    const timed = await run({ notebook: { source } }, 3).attempt.result;
    assert.equal(timed.status, 'TIMED_OUT');
    const { attempt, sink } = run({ notebook: { source } });
    const started = Date.now();
    while (!sink.text().includes('[cell 1]') && Date.now() - started < 20_000)
      await new Promise((r) => setTimeout(r, 100));
    attempt.cancel('operator');
    assert.equal((await attempt.result).status, 'STOPPED');
    assert.ok(Date.now() - t0 < 30_000);
    // No kernel outlives its attempt (a kernel's command line names its connection file in the work dir).
    assert.deepEqual(processesUnder(root), []);
  });

  test('a notebook that is not one, or no notebook at all, fails FATALLY', async () => {
    const bad = await run({ notebook: { source: '{"not": "a notebook"}' } }).attempt.result;
    assert.equal(bad.status, 'FATALLY_FAILED');
    assert.match(bad.error ?? '', /readable notebook/);
    const none = await run({ notebook: { kernel: 'python3' } }).attempt.result;
    assert.equal(none.status, 'FATALLY_FAILED');
    assert.match(none.error ?? '', /notebook.source/);
    const outside = await run({ notebook: { path: '../../etc/passwd' } }).attempt.result;
    assert.equal(outside.status, 'FATALLY_FAILED');
  });
});

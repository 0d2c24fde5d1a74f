import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import { runAttempt } from './run-attempt.js';
import { logSink, makeSpec, tempRoot } from '../../test/attempt-fixtures.js';

// The README's examples run here, so the documented contract cannot drift from the code.
const readme = readFileSync(join(__dirname, '../../../src/runner/README.md'), 'utf8');
const examples = readme.slice(readme.indexOf('### Examples'));
const block = (lang: string) => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(examples);
  assert.ok(m, `README has a ${lang} example`);
  return m[1];
};

const { root, cleanup } = tempRoot('readme');
afterAll(cleanup);

test('README Shell example', async () => {
  const logs = logSink();
  const spec = makeSpec('readme-sh', {
    attemptId: 2,
    params: { shell: { script: block('bash') }, name: 'Ada' },
  });
  const out = await runAttempt(spec, { workRoot: root, onLog: logs.onLog }).result;
  assert.equal(out.status, 'SUCCEEDED', out.error);
  assert.deepEqual(out.outputs, { greeting: 'hello, Ada', attempt: 2 });
  assert.equal(logs.text(), `hello, Ada (attempt 2, key ${spec.attemptKey})\n`);
});

test('README Python example, including its fatal path', async () => {
  const script = block('python');
  const good = await runAttempt(
    makeSpec('readme-py', { stepType: 'PYTHON', params: { python: { script }, rows: [3, 1, 2] } }),
    { workRoot: root },
  ).result;
  assert.equal(good.status, 'SUCCEEDED', good.error);
  assert.deepEqual(good.outputs, { total: 6, sorted: [1, 2, 3] });
  const bad = await runAttempt(
    makeSpec('readme-py', { stepType: 'PYTHON', params: { python: { script }, rows: [3, -1] } }),
    { workRoot: root },
  ).result;
  assert.equal(bad.status, 'FATALLY_FAILED');
  assert.equal(bad.error, 'negative rows (script exited with code 1)');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRunnableType, parseDispatch } from './dispatch.js';

const good = {
  attemptKey: 'wf:1:1:s:1',
  instanceKey: 'wf:1:1',
  workflowId: 'wf',
  instanceId: 1,
  runId: 1,
  stepId: 's',
  attempt: 1,
  stepType: 'shell',
  params: { shell: { script: 'true' } },
  timeoutSeconds: 2.5,
  pool: 'default',
};

test('parseDispatch: a good message, step type upper-cased, pool defaulted', () => {
  const r = parseDispatch(JSON.stringify({ ...good, pool: undefined }));
  assert.ok(r.ok);
  assert.equal(r.dispatch.stepType, 'SHELL');
  assert.equal(r.dispatch.pool, 'default');
  assert.equal(r.dispatch.timeoutSeconds, 2.5);
  assert.deepEqual(r.dispatch.params, good.params);
});

test('parseDispatch: every problem is named', () => {
  const cases: [string | undefined, RegExp][] = [
    [undefined, /no field "a"/],
    ['{', /not JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ ...good, attemptKey: '' }), /attemptKey must be a non-empty string/],
    [JSON.stringify({ ...good, attempt: 0 }), /attempt must be an integer ≥ 1/],
    [JSON.stringify({ ...good, instanceId: '1' }), /instanceId must be an integer/],
    [JSON.stringify({ ...good, params: [] }), /params must be an object/],
    [JSON.stringify({ ...good, timeoutSeconds: -1 }), /timeoutSeconds must be a number ≥ 0/],
  ];
  for (const [raw, want] of cases) {
    const r = parseDispatch(raw);
    assert.equal(r.ok, false, String(raw));
    if (!r.ok) assert.match(r.error, want);
  }
});

test('isRunnableType: the runner types only', () => {
  assert.equal(isRunnableType('SHELL'), true);
  assert.equal(isRunnableType('PYTHON'), true);
  assert.equal(isRunnableType('SQL'), true);
  assert.equal(isRunnableType('HTTP'), true);
  assert.equal(isRunnableType('NOTEBOOK'), true);
  assert.equal(isRunnableType('KUBERNETES'), false);
  assert.equal(isRunnableType('NOOP'), false);
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { internal } from '@baton/proto';
import { parseDispatch } from './work-message.js';

const good: internal.WorkMessage = {
  attemptKey: 'wf:1:1:s:1',
  instanceKey: 'wf:1:1',
  workflowId: 'wf',
  instanceId: '1',
  runId: '1',
  stepId: 's',
  attempt: 1,
  stepType: 'shell',
  paramsJson: JSON.stringify({ shell: { script: 'true' } }),
  timeoutSeconds: 2.5,
  pool: 'default',
};

const bytes = (m: Partial<internal.WorkMessage>) => internal.WorkMessage.encode({ ...good, ...m }).finish();

test('parseDispatch: a good message, step type upper-cased, pool defaulted, trace kept', () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const r = parseDispatch(bytes({ pool: '', trace: { traceparent, tracestate: '' } }));
  assert.ok(r.ok);
  assert.equal(r.dispatch.stepType, 'SHELL');
  assert.equal(r.dispatch.pool, 'default');
  assert.equal(r.dispatch.timeoutSeconds, 2.5);
  assert.equal(r.dispatch.instanceId, 1);
  assert.deepEqual(r.dispatch.params, { shell: { script: 'true' } });
  assert.equal(r.dispatch.trace?.traceparent, traceparent);
  const bare = parseDispatch(bytes({ timeoutSeconds: undefined, paramsJson: '' }));
  assert.ok(bare.ok);
  assert.equal(bare.dispatch.timeoutSeconds, undefined);
  assert.deepEqual(bare.dispatch.params, {});
  assert.equal(bare.dispatch.trace, undefined);
});

test('parseDispatch: every problem is named; hostile bytes are refused', () => {
  const cases: [Uint8Array | undefined, RegExp][] = [
    [undefined, /no field "a"/],
    [Buffer.from('{"attemptKey":"x"}'), /not a WorkMessage|must be/],
    [Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), /not a WorkMessage/],
    [new Uint8Array(0), /attemptKey must be a non-empty string/],
    [bytes({ attemptKey: '' }), /attemptKey must be a non-empty string/],
    [bytes({ attempt: 0 }), /attempt must be an integer ≥ 1/],
    [bytes({ instanceId: '0' }), /instanceId must be an integer ≥ 1/],
    [bytes({ runId: '9007199254740993' }), /runId must be an integer ≥ 1/],
    [bytes({ paramsJson: '[]' }), /params must be an object/],
    [bytes({ paramsJson: '{' }), /params must be JSON/],
    [bytes({ timeoutSeconds: -1 }), /timeoutSeconds must be a number ≥ 0/],
    [bytes({ timeoutSeconds: Number.POSITIVE_INFINITY }), /timeoutSeconds must be a number ≥ 0/],
    [bytes({ timeoutSeconds: Number.NaN }), /timeoutSeconds must be a number ≥ 0/],
  ];
  for (const [raw, want] of cases) {
    const r = parseDispatch(raw);
    assert.equal(r.ok, false, String(raw));
    if (!r.ok) assert.match(r.error, want);
  }
});

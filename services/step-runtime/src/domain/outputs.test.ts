import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { backoffMs } from './backoff.js';
import { convertOutputs } from './outputs.js';

test('convertOutputs: inferred types; nulls dropped', () => {
  const r = convertOutputs({
    s: 'x',
    n: 2,
    d: 0.5,
    b: false,
    a: [1, 2],
    m: { k: 'v' },
    deep: { k: [1] },
    z: null,
  });
  assert.ok(r.ok);
  assert.deepEqual(Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.kind?.$case])), {
    s: 'stringValue',
    n: 'longValue',
    d: 'doubleValue',
    b: 'booleanValue',
    a: 'longArray',
    m: 'stringMap',
    deep: 'mapValue',
  });
  assert.deepEqual(r.dropped, ['z']);
});

test('convertOutputs: a value with no ParamValue form names the key', () => {
  const r = convertOutputs({ ok: 1, mixed: [1, 'a'] });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /^output param mixed: /);
});

test('backoffMs: doubles from the base, capped, jittered ±20 %', () => {
  assert.equal(
    backoffMs(0, 200, 5000, () => 0.5),
    200,
  );
  assert.equal(
    backoffMs(3, 200, 5000, () => 0.5),
    1600,
  );
  assert.equal(
    backoffMs(40, 200, 5000, () => 0.5),
    5000,
  );
  assert.equal(
    backoffMs(0, 200, 5000, () => 0),
    160,
  );
  assert.equal(
    backoffMs(0, 200, 5000, () => 1),
    240,
  );
});

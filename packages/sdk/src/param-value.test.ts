import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { ParamValue } from '@baton/proto';
import { BatonClientError } from './errors';
import { fromParamMap, toParamMap } from './param-map';
import { fromParamValue, paramTypeOf, toParamValue } from './param-value';

/** Through the wire codec too: what the SDK builds must survive encode/decode. */
function wire(pv: ParamValue): ParamValue {
  return ParamValue.decode(ParamValue.encode(pv).finish());
}

test('inferred types round-trip through the wire format', () => {
  const cases: Array<[unknown, string]> = [
    ['hello', 'STRING'],
    ['', 'STRING'],
    [42, 'LONG'],
    [-7, 'LONG'],
    [2.5, 'DOUBLE'],
    [true, 'BOOLEAN'],
    [false, 'BOOLEAN'],
    [['a', 'b'], 'STRING_ARRAY'],
    [[], 'STRING_ARRAY'],
    [[1, 2, 3], 'LONG_ARRAY'],
    [[1, 2.5], 'DOUBLE_ARRAY'],
    [[true, false], 'BOOLEAN_ARRAY'],
    [{ a: 'x', b: 'y' }, 'STRING_MAP'],
    [{ a: 1, b: { c: [1, 'two', null, true] } }, 'MAP'],
    [{}, 'MAP'],
  ];
  for (const [value, type] of cases) {
    const pv = wire(toParamValue(value));
    assert.equal(paramTypeOf(pv), type, `type of ${JSON.stringify(value)}`);
    assert.deepEqual(fromParamValue(pv), value, `value of ${JSON.stringify(value)}`);
  }
});

test('64-bit longs keep every digit', () => {
  const big = 9223372036854775807n;
  const pv = wire(toParamValue(big));
  assert.deepEqual(pv.kind, { $case: 'longValue', value: '9223372036854775807' });
  assert.equal(fromParamValue(pv), big, "'auto' gives a bigint beyond 2^53");
  assert.equal(fromParamValue(wire(toParamValue(12n))), 12, "'auto' gives a number when safe");
  assert.equal(fromParamValue(wire(toParamValue(12)), { longs: 'bigint' }), 12n);
  assert.equal(fromParamValue(wire(toParamValue(12)), { longs: 'string' }), '12');
  assert.deepEqual(fromParamValue(wire(toParamValue([1n, big]))), [1, big]);
});

test('explicit types convert strings and numbers (any case)', () => {
  assert.deepEqual(toParamValue('42', 'long').kind, { $case: 'longValue', value: '42' });
  assert.deepEqual(toParamValue(1, 'DOUBLE').kind, { $case: 'doubleValue', value: 1 });
  assert.deepEqual(toParamValue('2.5', 'Double').kind, { $case: 'doubleValue', value: 2.5 });
  assert.deepEqual(toParamValue('TRUE', 'BOOLEAN').kind, { $case: 'booleanValue', value: true });
  assert.deepEqual(toParamValue(7, 'STRING').kind, { $case: 'stringValue', value: '7' });
  assert.deepEqual(toParamValue(['1', 2], 'LONG_ARRAY').kind, {
    $case: 'longArray',
    value: { values: ['1', '2'] },
  });
  assert.deepEqual(toParamValue({ a: 'x' }, 'MAP').kind, { $case: 'mapValue', value: { a: 'x' } });
});

test('a value read back with its type rebuilds the same ParamValue', () => {
  const originals: ParamValue[] = [
    { kind: { $case: 'doubleValue', value: 3 } },
    { kind: { $case: 'doubleArray', value: { values: [1, 2] } } },
    { kind: { $case: 'stringMap', value: { values: {} } } },
    { kind: { $case: 'mapValue', value: { k: 'v' } } },
    { kind: { $case: 'longValue', value: '-9223372036854775808' } },
  ];
  for (const pv of originals) {
    assert.deepEqual(toParamValue(fromParamValue(pv), paramTypeOf(pv)), pv);
  }
});

test('bad values fail with INVALID_ARGUMENT naming the field', () => {
  const cases: Array<[() => unknown, string]> = [
    [() => toParamMap({ when: null }), 'when'],
    [() => toParamMap({ list: [1, 'a'] }), 'list'],
    [() => toParamMap({ n: 'x' }, { n: 'LONG' }), 'n'],
    [() => toParamMap({ n: 2n ** 64n }), 'n'],
    [() => toParamMap({ n: 1.5 }, { n: 'LONG' }), 'n'],
    [() => toParamMap({ m: { a: { b: 1n } } }), 'm.a.b'],
    [() => toParamMap({ d: new Date(0) }), 'd'],
    [() => toParamMap({ x: 1 }, { x: 'DATE' }), 'x'],
    [() => toParamMap({ xs: ['a', 1] }, { xs: 'BOOLEAN_ARRAY' }), 'xs[0]'],
  ];
  for (const [fn, field] of cases) {
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof BatonClientError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.equal(err.violations[0]?.field, field);
      return true;
    });
  }
});

test('maps of params round-trip', () => {
  const values = { name: 'x', count: 3, ratio: 0.5, on: true, tags: ['a'], env: { K: 'V' } };
  const map = toParamMap(values);
  assert.deepEqual(fromParamMap(map), values);
  assert.equal(paramTypeOf(toParamMap({ ratio: 1 }, { ratio: 'DOUBLE' }).ratio), 'DOUBLE');
});

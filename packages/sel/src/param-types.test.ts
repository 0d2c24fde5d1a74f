import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { SelError, createParamHost, evaluate, evaluateAs, toParamType } from './index';

describe('toParamType', () => {
  const OK: [string, string, unknown][] = [
    ['"a"', 'STRING', 'a'],
    ['1 + 1', 'string', '2'],
    ['1 + 1', 'LONG', 2],
    ['9007199254740993L', 'LONG', 9007199254740993n],
    ['"12"', 'LONG', 12],
    ['1.5', 'DOUBLE', 1.5],
    ['3', 'DOUBLE', 3],
    ['2 > 1', 'BOOLEAN', true],
    ['"a b".split(" ")', 'STRING_ARRAY', ['a', 'b']],
    ['new int[]{1, 2}', 'LONG_ARRAY', [1, 2]],
    ['Util.dateIntsBetween(20200226, 20200228, 1)', 'LONG_ARRAY', [20200226, 20200227]],
    ['new double[]{1, 2.5}', 'DOUBLE_ARRAY', [1, 2.5]],
    ['new boolean[]{true}', 'BOOLEAN_ARRAY', [true]],
    ['Map m = new HashMap(); m.put("a", 1); m.put("b", "x"); m', 'STRING_MAP', { a: '1', b: 'x' }],
    ['Map m = new HashMap(); m.put("a", new int[]{1}); m', 'MAP', { a: [1] }],
  ];
  for (const [src, type, want] of OK)
    test(`${src} as ${type}`, () => assert.deepEqual(evaluateAs(src, type), want));
  const BAD: [string, string][] = [
    ['1.5', 'LONG'],
    ['"x"', 'LONG'],
    ['"x"', 'BOOLEAN'],
    ['new int[]{1}', 'STRING'],
    ['null', 'STRING'],
    ['new String[]{"a"}', 'LONG_ARRAY'],
    ['1', 'MAP'],
    ['Map m = new HashMap(); m.put("a", new int[]{1}); m', 'STRING_MAP'],
    ['1', 'NOPE'],
  ];
  for (const [src, type] of BAD) {
    test(`${src} does not fit ${type}`, () =>
      assert.throws(
        () => evaluateAs(src, type),
        (e: unknown) => e instanceof SelError && e.code === 'CONVERSION',
      ));
  }
  test('host values round-trip without sharing state', () => {
    const m = { k: 'v' };
    const h = createParamHost({ params: { m } });
    assert.deepEqual(evaluate('m.put("k", "changed"); m', h), { k: 'changed' });
    assert.deepEqual(m, { k: 'v' });
    assert.deepEqual(evaluate('m', h), { k: 'v' });
    assert.deepEqual(toParamType(evaluate('m', h), 'STRING_MAP'), { k: 'v' });
  });
});

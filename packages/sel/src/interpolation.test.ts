import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { SelError, interpolate, interpolateValue, validateInterpolation } from './index';

const params: Record<string, unknown> = {
  foo: 'bar',
  n: 42,
  big: 9007199254740993n,
  step1__out: 'o',
  arr: ['a', 1],
};
const lookup = (k: string) => (Object.hasOwn(params, k) ? (params[k] as string) : undefined);

describe('interpolation', () => {
  const CASES: [string, string][] = [
    ['hello $foo', 'hello bar'],
    ['hello ${foo}!', 'hello bar!'],
    ['${foo}${n}', 'bar42'],
    ['cost $$5 and $$foo', 'cost $5 and $foo'],
    ['$big', '9007199254740993'],
    ['${step1__out}', 'o'],
    ['$ alone and trailing $', '$ alone and trailing $'],
    ['$arr', '["a",1]'],
    ['no refs', 'no refs'],
    ['', ''],
  ];
  for (const [text, want] of CASES)
    test(JSON.stringify(text), () => assert.equal(interpolate(text, lookup), want));
  test('unknown name', () =>
    assert.throws(
      () => interpolate('x $nope', lookup),
      (e: unknown) => e instanceof SelError && e.code === 'INTERPOLATION' && e.column === 3,
    ));
  test('unterminated ${', () => assert.throws(() => interpolate('x ${foo', lookup), SelError));
  test('string arrays and maps', () => {
    assert.deepEqual(interpolateValue(['$foo', 'x'], lookup), ['bar', 'x']);
    assert.deepEqual(interpolateValue({ a: '${n}', __proto__x: '$$' }, lookup), { a: '42', __proto__x: '$' });
  });
  test('validateInterpolation lists names and errors', () => {
    assert.deepEqual(validateInterpolation('$a ${b} $a $$c'), { ok: true, names: ['a', 'b'], errors: [] });
    const r = validateInterpolation('x ${bad name}');
    assert.equal(r.ok, false);
    assert.equal(r.errors[0].column, 3);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { validate } from './index';

describe('validate', () => {
  const OK = [
    'x > 5',
    'int x = 1; long y = x; double z = y; return z;',
    "DateTime d = new DateTime().withZone(DateTimeZone.forID('UTC')); d.plusDays(1).getYear()",
    "params.getFromStep('a', 'b')",
    'String[] s = "a b".split(" "); s.length',
    'Map m = new HashMap(); m.put("a", 1); m["a"]',
    'for (int i = 0; i < 3; i++) { if (i == 1) continue; }',
    'step1__out + 1',
  ];
  for (const src of OK)
    test(`ok: ${src}`, () =>
      assert.deepEqual(validate(src, { knownParams: ['x'] }), { ok: true, errors: [] }));

  const BAD: [string, RegExp, number, number][] = [
    ['int x = "s";', /cannot assign String to int x/, 1, 9],
    ['int x = 1;\nString s = x;', /cannot assign int to String s/, 2, 12],
    ['x = 1 +;', /unexpected ';'/, 1, 8],
    ['y + 1', /unknown identifier 'y'/, 1, 1],
    ["'a'.fooBar()", /unknown method String.fooBar/, 1, 5],
    ['Math.fooBar(1)', /unknown method Math.fooBar/, 1, 6],
    ['Math.min(1)', /takes 2 arguments/, 1, 6],
    ['"a" * 2', /operator \* is not defined/, 1, 5],
    ['"a" < "b"', /use compareTo/, 1, 5],
    ['if (1) x = 2;', /condition must be boolean/, 1, 5],
    ['break;', /outside of a loop/, 1, 1],
    ['new Foo()', /cannot instantiate Foo/, 1, 1],
    ['Foo x = 1;', /unknown type 'Foo'/, 1, 1],
    ['int[] a = {1, "b"};', /cannot store String in int\[\]/, 1, 15],
    ['x.constructor', /unknown field constructor/, 1, 3],
    ['x.__proto__', /unknown field __proto__/, 1, 3],
    ['"a".constructor("return 1")', /unknown method (String\.)?constructor/, 1, 5],
    ['DateTimeZone.LOCAL', /unknown field DateTimeZone.LOCAL/, 1, 14],
    ["'unterminated", /unterminated string/, 1, 1],
    ['x = 1 # 2', /unexpected character/, 1, 7],
  ];
  for (const [src, re, line, column] of BAD) {
    test(`error: ${src}`, () => {
      const r = validate(src, { knownParams: ['x'] });
      assert.equal(r.ok, false);
      const e = r.errors[0];
      assert.match(e.message, re);
      assert.deepEqual([e.line, e.column], [line, column]);
    });
  }
  test('without knownParams unknown names are assumed to be params', () => {
    assert.equal(validate('anything + 1').ok, true);
  });
  test('reports several errors', () => {
    assert.equal(validate('int x = "a"; String s = 1; "q".nope();').errors.length, 3);
  });
});

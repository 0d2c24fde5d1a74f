import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { SelError, createParamHost, evaluate } from './index';

const host = createParamHost({ params: { x: 10, big: 9007199254740993n, name: 'baton', arr: ['a', 'b'] } });
const run = (src: string) => evaluate(src, host);

const CASES: [string, unknown][] = [
  ['1 + 2', 3],
  ['7 / 2', 3],
  ['-7 / 2', -3],
  ['-7 % 3', -1],
  ['7.0 / 2', 3.5],
  ['1 / 2.0', 0.5],
  ['2147483647 + 1', -2147483648],
  ['2147483647L + 1', 2147483648n],
  ['9223372036854775807L + 1', -9223372036854775808n],
  ['9007199254740993L * 1', 9007199254740993n],
  ['big + 2', 9007199254740995n],
  ['big / 2', 4503599627370496n],
  ['3000000000', 3000000000n],
  ['0x10 + 1', 17],
  ['1_000 * 2', 2000],
  ['1e3', 1000],
  ['1.5f + 1', 2.5],
  ['(int) 3.9', 3],
  ['(long) 3.9', 3n],
  ['(double) 1 / 2', 0.5],
  ['(int) 3000000000L', -1294967296],
  ['5 & 3', 1],
  ['5 | 3', 7],
  ['5 ^ 3', 6],
  ['~5', -6],
  ['1 << 33', 2],
  ['1L << 33', 8589934592n],
  ['-8 >> 1', -4],
  ['-8 >>> 28', 15],
  ['1 + 2 * 3 - 4 / 2', 5],
  ['(1 + 2) * 3', 9],
  ['10 - 2 - 3', 5],
  ['2 > 1 ? 10 : -10', 10],
  ['true ? false ? 1 : 2 : 3', 2],
  ['1 < 2 && 2 < 3 || false', true],
  ['!true', false],
  ['1 == 1L', true],
  ['1 == 1.0', true],
  ["'a' == 'a'", true],
  ["'a' + 'b' == 'ab'", true],
  ['null == null', true],
  ["'x' + null", 'xnull'],
  ["'v' + 1.0", 'v1.0'],
  ["'v' + 1e21", 'v1.0E21'],
  ["'v' + 0.1", 'v0.1'],
  ["'v' + true", 'vtrue'],
  ['1 + 2 + "a"', '3a'],
  ['"a" + 1 + 2', 'a12'],
  ['x > 5', true],
  ['x', 10n],
  ['params.get("x") + 1', 11n],
  ["params['name']", 'baton'],
  ["params.containsKey('name')", true],
  ["params.containsKey('nope')", false],
  ['name.length()', 5],
  ['arr.length', 2],
  ['arr[1]', 'b'],
  ['int i = 5; i++; i', 6],
  ['int i = 5; i++', 5],
  ['int i = 5; ++i', 6],
  ['int i = 5; i--; --i', 3],
  ['int x = 1; x += 2; x', 3],
  ['int x = 7; x /= 2; x', 3],
  ['int x = 7; x %= 4; x', 3],
  ['int x = 7; x *= 2.5; x', 17],
  ['x = 1; x <<= 3; x', 8],
  ['String s = "a"; s += 1; s', 'a1'],
  ['long l = 5; l', 5n],
  ['double d = 5; d', 5],
  ['Long l = 123; Double d = 12.3; l + d', 135.3],
  ['int[] a = new int[3]; a[1] = 5; a', [0, 5, 0]],
  ['int[] a = {1, 2, 3}; a[0] + a[2]', 4],
  ['String[] s = new String[]{"a", "b"}; s.length', 2],
  ['long[] l = new long[]{1, 2}; l', [1n, 2n]],
  ['double[] d = new double[]{1, 2.5}; d', [1, 2.5]],
  ['boolean[] b = new boolean[2]; b', [false, false]],
  ['new String[2]', [null, null]],
  ['Map m = new HashMap(); m.put("a", 1); m.get("a")', 1],
  ['Map m = new Map(); m["k"] = "v"; m.containsKey("k") && m.size() == 1', true],
  ['Map<String, Object> m = new HashMap<>(); m.put("a", 1); m', { a: 1 }],
  ['if (2 > 1) x = 10; else x = -10;', 10],
  ['int x=10; if(x>0) x+=10; else x-=10; return x;', 20],
  ['int x = 0; while(x<10) x+=3; return x;', 12],
  ['for(x=0; x<10; x+=1) x+=1; return x;', 10],
  ['for(x=0; x<10; x+=1) break; return x;', 0],
  ['for(x=0; x<10; x+=1) {x+=10; continue; x+=10;} return x;', 11],
  ['for(x=0; x<10; x+=1) {x+=10; return x; x+=10;}', 10],
  ['int s = 0; for (int i = 0, j = 10; i < j; i++, j--) s += 1; s', 5],
  ['int i = 0; do { i += 2; } while (i < 5); i', 6],
  ['int s = 0; for (int i = 0; i < 10; i++) { if (i % 2 == 0) continue; if (i > 7) break; s += i; } s', 16],
  ['{ x = 10; x += 10; }', 20],
  ['x = 1; /* block */ x += 1; // trailing\n x', 2],
  ["'it\\'s' + \"\\t\\u0041\"", "it's\tA"],
  ['"hello".toUpperCase()', 'HELLO'],
  ['" a b ".trim().split(" ")', ['a', 'b']],
  ['"a,b,,c,,".split(",")', ['a', 'b', '', 'c']],
  ['"a1b22c".split("[0-9]+")', ['a', 'b', 'c']],
  ['"hello".substring(1, 3)', 'el'],
  ['"hello".indexOf("l")', 2],
  ['"hello".lastIndexOf("l")', 3],
  ['"hello".replace("l", "L")', 'heLLo'],
  ['"a1b2".replaceAll("[0-9]", "#")', 'a#b#'],
  ['"a-b".replaceAll("(a)-(b)", "$2-$1")', 'b-a'],
  ['"hello".contains("ell") && "hello".startsWith("he") && "hello".endsWith("lo")', true],
  ['"apple".compareTo("banana") < 0', true],
  ['"abc".equals("abc")', true],
  ['"ABC".equalsIgnoreCase("abc")', true],
  ['"abc".charAt(1)', 'b'],
  ['"".isEmpty()', true],
  ['"abc".matches("[a-c]+")', true],
  ['String.valueOf(12)', '12'],
  ['String.valueOf(1.5)', '1.5'],
  ["String.join(' ', 'hello', 'world')", 'hello world'],
  ["String.join('-', arr)", 'a-b'],
  ["String.format('%s-%d-%.2f-%5s|%-3s|%03d', 'a', 7, 1.005, 'x', 'y', 7)", 'a-7-1.00-    x|y  |007'],
  ['new String("hello")', 'hello'],
  ['Integer.valueOf("42") + 1', 43],
  ['Integer.parseInt("-42")', -42],
  ['Long.valueOf("9223372036854775807")', 9223372036854775807n],
  ['Double.parseDouble("2.5") * 2', 5],
  ['Boolean.valueOf("TRUE")', true],
  ['Integer.MAX_VALUE', 2147483647],
  ['Long.MIN_VALUE', -9223372036854775808n],
  ['Math.min(1, 2)', 1],
  ['Math.max(1, 2)', 2],
  ['Math.max(1, 2L)', 2n],
  ['Math.max(1, 2.5)', 2.5],
  ['Math.pow(2, 3)', 8],
  ['Math.abs(-3)', 3],
  ['Math.round(2.5)', 3n],
  ['Math.floor(2.7)', 2],
  ['double r = Math.random(); r >= 0 && r < 1', true],
  ['UUID.randomUUID().toString().length()', 36],
  ['System.currentTimeMillis() > 1600000000000L', true],
  ['int[] a = {3, 1}; a.contains(1)', true],
  ['arr.size()', 2],
  ['return;', null],
  ['', null],
];

describe('interpreter', () => {
  for (const [src, want] of CASES) {
    test(src.replace(/\n/g, ' '), () => {
      assert.deepEqual(run(src), want);
    });
  }
});

const ERRORS: [string, string][] = [
  ['1 / 0', 'RUNTIME'],
  ['1L % 0', 'RUNTIME'],
  ['"a" * 2', 'TYPE'],
  ['"a" < "b"', 'TYPE'],
  ['!1', 'TYPE'],
  ['if (1) x = 1;', 'TYPE'],
  ['int x = "s";', 'TYPE'],
  ['int x = 1.5;', 'TYPE'],
  ['int x = 3000000000L;', 'TYPE'],
  ['int[] a = new int[2]; a[2]', 'RUNTIME'],
  ['int[] a = new int[2]; a[0] = "s";', 'TYPE'],
  ['new int[-1]', 'RUNTIME'],
  ['nope + 1', 'PARAM'],
  ['"abc".substring(5)', 'RUNTIME'],
  ['throw "invalid variable value: " + 3;', 'THROWN'],
  ['Integer.valueOf("abc")', 'RUNTIME'],
  ['"a".nope()', 'TYPE'],
  ['Math.nope(1)', 'TYPE'],
  ['Math', 'TYPE'],
  ['String s = null; s.length()', 'RUNTIME'],
  ['params.getFromSignal("s", "p")', 'PARAM'],
  ['x = ', 'SYNTAX'],
  ['break;', 'SYNTAX'],
];

describe('runtime errors', () => {
  for (const [src, code] of ERRORS) {
    test(`${src} -> ${code}`, () => {
      assert.throws(
        () => run(src),
        (e: unknown) => e instanceof SelError && e.code === code,
      );
    });
  }
  test('errors carry line and column', () => {
    try {
      run('int x = 1;\nint y = x / 0;');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof SelError);
      assert.equal(e.line, 2);
      assert.ok(e.column >= 1);
      assert.match(e.message, /by zero/);
    }
  });
  test('thrown message is the script text', () => {
    assert.throws(
      () => run('int x = 3; throw "invalid variable value: " + x;'),
      (e: unknown) => e instanceof SelError && e.detail === 'invalid variable value: 3',
    );
  });
});

import type { EvalContext } from '../context';
import { SelError } from '../errors';
import { SelArray, javaString } from '../values';
import { type MethodSpec, argInt, argString, m, table } from './registry';
import { runRegex } from './regex-runner';

function checkRange(s: string, begin: number, end: number): void {
  if (begin < 0 || end > s.length || begin > end) {
    throw new SelError(
      'RUNTIME',
      `StringIndexOutOfBoundsException: begin ${begin}, end ${end}, length ${s.length}`,
    );
  }
}

function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

function compareTo(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Java String.replace(CharSequence, CharSequence): all literal occurrences, size-checked first. */
function replaceLiteral(ctx: EvalContext, s: string, target: string, repl: string): string {
  const count = target === '' ? s.length + 1 : s.split(target).length - 1;
  const size = s.length + count * (repl.length - target.length);
  if (size > ctx.limits.maxStringLength) {
    throw new SelError(
      'LIMIT_STRING',
      `replace would build ${size} characters, limit is ${ctx.limits.maxStringLength}`,
    );
  }
  if (target === '') return repl + [...s].join(repl) + (s.length ? repl : '');
  return s.split(target).join(repl);
}

function regexReplace(ctx: EvalContext, s: string, pattern: string, repl: string, all: boolean): string {
  const maxLength = ctx.limits.maxStringLength;
  return ctx.str(runRegex(ctx, { op: 'replace', subject: s, pattern, repl, all, maxLength }) as string);
}

function escapeJava(s: string): string {
  return (
    s
      .replace(/\\/g, '\\\\')
      .replace(/\t/g, '\\t')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: Java's escape of backspace.
      .replace(/\x08/g, '\\b')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\f/g, '\\f')
      .replace(/"/g, '\\"')
  );
}

export const STRING_METHODS: ReadonlyMap<string, MethodSpec> = table({
  length: m(0, 0, 'int', (_c, s: string) => s.length),
  isEmpty: m(0, 0, 'boolean', (_c, s: string) => s.length === 0),
  isBlank: m(0, 0, 'boolean', (_c, s: string) => javaTrim(s).length === 0),
  trim: m(0, 0, 'String', (_c, s: string) => javaTrim(s)),
  strip: m(0, 0, 'String', (_c, s: string) => s.trim()),
  toUpperCase: m(0, 0, 'String', (c, s: string) => c.str(s.toUpperCase())),
  toLowerCase: m(0, 0, 'String', (c, s: string) => c.str(s.toLowerCase())),
  toString: m(0, 0, 'String', (_c, s: string) => s),
  intern: m(0, 0, 'String', (_c, s: string) => s),
  escape: m(0, 1, 'String', (c, s: string, a) => c.str(escapeJava(a.length ? argString(a[0], 'escape') : s))),
  charAt: m(1, 1, 'String', (_c, s: string, a) => {
    const i = argInt(a[0], 'charAt');
    if (i < 0 || i >= s.length)
      throw new SelError('RUNTIME', `StringIndexOutOfBoundsException: index ${i}, length ${s.length}`);
    return s[i];
  }),
  substring: m(1, 2, 'String', (_c, s: string, a) => {
    const b = argInt(a[0], 'substring');
    const e = a.length > 1 ? argInt(a[1], 'substring') : s.length;
    checkRange(s, b, e);
    return s.slice(b, e);
  }),
  indexOf: m(1, 2, 'int', (_c, s: string, a) =>
    s.indexOf(argString(a[0], 'indexOf'), a.length > 1 ? Math.max(0, argInt(a[1], 'indexOf')) : 0),
  ),
  lastIndexOf: m(1, 2, 'int', (_c, s: string, a) =>
    a.length > 1
      ? s.lastIndexOf(argString(a[0], 'lastIndexOf'), argInt(a[1], 'lastIndexOf'))
      : s.lastIndexOf(argString(a[0], 'lastIndexOf')),
  ),
  contains: m(1, 1, 'boolean', (_c, s: string, a) => s.includes(argString(a[0], 'contains'))),
  startsWith: m(1, 2, 'boolean', (_c, s: string, a) =>
    s.startsWith(argString(a[0], 'startsWith'), a.length > 1 ? argInt(a[1], 'startsWith') : 0),
  ),
  endsWith: m(1, 1, 'boolean', (_c, s: string, a) => s.endsWith(argString(a[0], 'endsWith'))),
  equals: m(1, 1, 'boolean', (_c, s: string, a) => typeof a[0] === 'string' && a[0] === s),
  equalsIgnoreCase: m(
    1,
    1,
    'boolean',
    (_c, s: string, a) => typeof a[0] === 'string' && a[0].toLowerCase() === s.toLowerCase(),
  ),
  compareTo: m(1, 1, 'int', (_c, s: string, a) => compareTo(s, argString(a[0], 'compareTo'))),
  compareToIgnoreCase: m(1, 1, 'int', (_c, s: string, a) =>
    compareTo(s.toLowerCase(), argString(a[0], 'compareToIgnoreCase').toLowerCase()),
  ),
  concat: m(1, 1, 'String', (c, s: string, a) => c.str(s + argString(a[0], 'concat'))),
  replace: m(2, 2, 'String', (c, s: string, a) => replaceLiteral(c, s, javaString(a[0]), javaString(a[1]))),
  replaceAll: m(2, 2, 'String', (c, s: string, a) =>
    regexReplace(c, s, argString(a[0], 'replaceAll'), argString(a[1], 'replaceAll'), true),
  ),
  replaceFirst: m(2, 2, 'String', (c, s: string, a) =>
    regexReplace(c, s, argString(a[0], 'replaceFirst'), argString(a[1], 'replaceFirst'), false),
  ),
  matches: m(
    1,
    1,
    'boolean',
    (c, s: string, a) =>
      runRegex(c, { op: 'matches', subject: s, pattern: argString(a[0], 'matches') }) as boolean,
  ),
  split: m(1, 2, 'String[]', (c, s: string, a) => {
    const pattern = argString(a[0], 'split');
    const limit = a.length > 1 ? argInt(a[1], 'split') : 0;
    const parts = runRegex(c, { op: 'split', subject: s, pattern, limit }) as string[];
    c.size(parts.length);
    return new SelArray('String', parts);
  }),
  repeat: m(1, 1, 'String', (c, s: string, a) => {
    const n = argInt(a[0], 'repeat');
    if (n < 0) throw new SelError('RUNTIME', `IllegalArgumentException: count is negative: ${n}`);
    if (s.length * n > c.limits.maxStringLength) {
      throw new SelError(
        'LIMIT_STRING',
        `repeat would build ${s.length * n} characters, limit is ${c.limits.maxStringLength}`,
      );
    }
    return s.repeat(n);
  }),
  hashCode: m(0, 0, 'int', (_c, s: string) => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return h;
  }),
});

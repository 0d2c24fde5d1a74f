import { randomUUID } from 'node:crypto';
import { SelError } from '../errors';
import { doubleToInt, doubleToLong, numRank, toNumber } from '../numeric';
import { JDouble, SelArray, SelUuid, type Value, javaString, kindOf } from '../values';
import { javaFormat } from './java-format';
import { type ClassSpec, VARARGS, argDouble, argString, m, table } from './registry';

const INT_RE = /^[+-]?\d+$/;

function parseIntStrict(v: Value, where: string, bits: 32 | 64): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return bits === 32 ? Number(v) | 0 : BigInt(v);
  const s = argString(v, where);
  if (!INT_RE.test(s) || s.length > 21)
    throw new SelError('RUNTIME', `NumberFormatException: For input string: "${s.slice(0, 100)}"`);
  const b = BigInt(s);
  const lim = bits === 32 ? 2147483648n : 9223372036854775808n;
  if (b >= lim || b < -lim)
    throw new SelError('RUNTIME', `NumberFormatException: For input string: "${s}" (out of range)`);
  return bits === 32 ? Number(b) : b;
}

function parseDoubleStrict(v: Value, where: string): JDouble {
  if (numRank(v) >= 0) return new JDouble(toNumber(v));
  const s = argString(v, where).trim();
  if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/.test(s)) {
    throw new SelError('RUNTIME', `NumberFormatException: For input string: "${s.slice(0, 100)}"`);
  }
  return new JDouble(Number(s.replace(/[fFdD]$/, '')));
}

function parseBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  return typeof v === 'string' && v.toLowerCase() === 'true';
}

function joinArgs(args: Value[]): string[] {
  if (args.length === 2 && args[1] instanceof SelArray) return args[1].items.map((x) => javaString(x));
  return args.slice(1).map((x, i) => argString(x, `String.join argument ${i + 2}`));
}

const none = table({});

/** Math functions follow Java: min/max keep int/long/double, pow/sqrt return double. */
function minMax(a: Value, b: Value, max: boolean): Value {
  const ra = numRank(a);
  const rb = numRank(b);
  if (ra < 0 || rb < 0)
    throw new SelError('TYPE', `Math.${max ? 'max' : 'min'} needs numbers, got ${kindOf(a)}, ${kindOf(b)}`);
  const r = Math.max(ra, rb);
  if (r === 2)
    return new JDouble(max ? Math.max(toNumber(a), toNumber(b)) : Math.min(toNumber(a), toNumber(b)));
  if (r === 1) {
    const x = BigInt(a as number | bigint);
    const y = BigInt(b as number | bigint);
    return max ? (x > y ? x : y) : x < y ? x : y;
  }
  return max ? Math.max(a as number, b as number) : Math.min(a as number, b as number);
}

function unaryDouble(name: string, f: (x: number) => number) {
  return m(1, 1, 'double', (_c, _s, a) => new JDouble(f(argDouble(a[0], `Math.${name}`))));
}

export const LANG_CLASSES: ReadonlyMap<string, ClassSpec> = table<ClassSpec>({
  String: {
    statics: table({
      valueOf: m(1, 1, 'String', (c, _s, a) => c.str(javaString(a[0]))),
      format: m(1, VARARGS, 'String', (c, _s, a) => {
        const rest = a.length === 2 && a[1] instanceof SelArray ? a[1].items : a.slice(1);
        return javaFormat(argString(a[0], 'String.format'), rest, c.limits.maxStringLength);
      }),
      join: m(1, VARARGS, 'String', (c, _s, a) => c.str(joinArgs(a).join(argString(a[0], 'String.join')))),
    }),
    fields: table({}),
    ctor: m(0, 1, 'String', (_c, _s, a) => {
      if (a.length === 0) return '';
      if (typeof a[0] === 'string' || typeof a[0] === 'number' || typeof a[0] === 'bigint')
        return String(a[0]);
      throw new SelError('TYPE', `new String(...) needs a String, got ${kindOf(a[0])}`);
    }),
  },
  Integer: {
    statics: table({
      valueOf: m(1, 1, 'int', (_c, _s, a) => parseIntStrict(a[0], 'Integer.valueOf', 32)),
      parseInt: m(1, 1, 'int', (_c, _s, a) => parseIntStrict(a[0], 'Integer.parseInt', 32)),
      toString: m(1, 1, 'String', (_c, _s, a) => javaString(a[0])),
    }),
    fields: table({
      MAX_VALUE: { type: 'int', get: () => 2147483647 },
      MIN_VALUE: { type: 'int', get: () => -2147483648 },
    }),
  },
  Long: {
    statics: table({
      valueOf: m(1, 1, 'long', (_c, _s, a) => BigInt(parseIntStrict(a[0], 'Long.valueOf', 64))),
      parseLong: m(1, 1, 'long', (_c, _s, a) => BigInt(parseIntStrict(a[0], 'Long.parseLong', 64))),
      toString: m(1, 1, 'String', (_c, _s, a) => javaString(a[0])),
    }),
    fields: table({
      MAX_VALUE: { type: 'long', get: () => (1n << 63n) - 1n },
      MIN_VALUE: { type: 'long', get: () => -(1n << 63n) },
    }),
  },
  Double: {
    statics: table({
      valueOf: m(1, 1, 'double', (_c, _s, a) => parseDoubleStrict(a[0], 'Double.valueOf')),
      parseDouble: m(1, 1, 'double', (_c, _s, a) => parseDoubleStrict(a[0], 'Double.parseDouble')),
      toString: m(1, 1, 'String', (_c, _s, a) => javaString(a[0])),
      isNaN: m(1, 1, 'boolean', (_c, _s, a) => Number.isNaN(argDouble(a[0], 'Double.isNaN'))),
    }),
    fields: table({
      MAX_VALUE: { type: 'double', get: () => new JDouble(Number.MAX_VALUE) },
      MIN_VALUE: { type: 'double', get: () => new JDouble(Number.MIN_VALUE) },
      NaN: { type: 'double', get: () => new JDouble(Number.NaN) },
      POSITIVE_INFINITY: { type: 'double', get: () => new JDouble(Number.POSITIVE_INFINITY) },
      NEGATIVE_INFINITY: { type: 'double', get: () => new JDouble(Number.NEGATIVE_INFINITY) },
    }),
  },
  Boolean: {
    statics: table({
      valueOf: m(1, 1, 'boolean', (_c, _s, a) => parseBool(a[0])),
      parseBoolean: m(1, 1, 'boolean', (_c, _s, a) => parseBool(a[0])),
      toString: m(1, 1, 'String', (_c, _s, a) => javaString(a[0])),
    }),
    fields: table({
      TRUE: { type: 'boolean', get: () => true },
      FALSE: { type: 'boolean', get: () => false },
    }),
  },
  Math: {
    statics: table({
      min: m(2, 2, 'Object', (_c, _s, a) => minMax(a[0], a[1], false)),
      max: m(2, 2, 'Object', (_c, _s, a) => minMax(a[0], a[1], true)),
      random: m(0, 0, 'double', () => new JDouble(Math.random())),
      pow: m(
        2,
        2,
        'double',
        (_c, _s, a) => new JDouble(argDouble(a[0], 'Math.pow') ** argDouble(a[1], 'Math.pow')),
      ),
      abs: m(1, 1, 'Object', (_c, _s, a) => {
        const v = a[0];
        if (typeof v === 'number') return Math.abs(v) | 0;
        if (typeof v === 'bigint') return BigInt.asIntN(64, v < 0n ? -v : v);
        return new JDouble(Math.abs(argDouble(v, 'Math.abs')));
      }),
      round: m(1, 1, 'long', (_c, _s, a) => doubleToLong(Math.floor(argDouble(a[0], 'Math.round') + 0.5))),
      floor: unaryDouble('floor', Math.floor),
      ceil: unaryDouble('ceil', Math.ceil),
      sqrt: unaryDouble('sqrt', Math.sqrt),
      log: unaryDouble('log', Math.log),
      log10: unaryDouble('log10', Math.log10),
      exp: unaryDouble('exp', Math.exp),
      floorDiv: m(2, 2, 'Object', (_c, _s, a) => {
        const x = argDouble(a[0], 'Math.floorDiv');
        const y = argDouble(a[1], 'Math.floorDiv');
        if (y === 0) throw new SelError('RUNTIME', 'ArithmeticException: / by zero');
        const r = Math.floor(x / y);
        return typeof a[0] === 'bigint' || typeof a[1] === 'bigint' ? doubleToLong(r) : doubleToInt(r);
      }),
    }),
    fields: table({
      PI: { type: 'double', get: () => new JDouble(Math.PI) },
      E: { type: 'double', get: () => new JDouble(Math.E) },
    }),
  },
  UUID: {
    statics: table({
      randomUUID: m(0, 0, 'UUID', () => new SelUuid(randomUUID())),
      fromString: m(1, 1, 'UUID', (_c, _s, a) => {
        const s = argString(a[0], 'UUID.fromString');
        if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s)) {
          throw new SelError('RUNTIME', `IllegalArgumentException: Invalid UUID string: ${s.slice(0, 100)}`);
        }
        return new SelUuid(s.toLowerCase());
      }),
    }),
    fields: none as ClassSpec['fields'],
  },
  System: {
    statics: table({ currentTimeMillis: m(0, 0, 'long', (c) => BigInt(Math.trunc(c.now()))) }),
    fields: none as ClassSpec['fields'],
  },
});

export const UUID_METHODS = table({ toString: m(0, 0, 'String', (_c, u: SelUuid) => u.text) });

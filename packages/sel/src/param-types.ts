import { SelError } from './errors';
import type { SelResult } from './host';

/** Maestro's parameter types. Names are matched case-insensitively. */
export type ParamType =
  | 'STRING'
  | 'LONG'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'MAP'
  | 'STRING_MAP'
  | 'STRING_ARRAY'
  | 'LONG_ARRAY'
  | 'DOUBLE_ARRAY'
  | 'BOOLEAN_ARRAY';

export const PARAM_TYPES: readonly ParamType[] = [
  'STRING',
  'LONG',
  'DOUBLE',
  'BOOLEAN',
  'MAP',
  'STRING_MAP',
  'STRING_ARRAY',
  'LONG_ARRAY',
  'DOUBLE_ARRAY',
  'BOOLEAN_ARRAY',
];

/** A LONG comes back as a number when it is a safe integer, else as an exact bigint. */
export type LongValue = number | bigint;
export type ParamValue =
  | string
  | LongValue
  | boolean
  | string[]
  | LongValue[]
  | number[]
  | boolean[]
  | { [key: string]: string }
  | { [key: string]: SelResult };

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

function describe(v: SelResult): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'map';
  return `${typeof v} ${String(v).slice(0, 60)}`;
}

function fail(type: ParamType, v: SelResult, why = ''): never {
  throw new SelError('CONVERSION', `result ${describe(v)} does not fit ${type}${why ? `: ${why}` : ''}`);
}

function toLong(v: SelResult, type: ParamType): LongValue {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number') {
    if (!Number.isInteger(v)) fail(type, v, 'not an integer');
    b = BigInt(v);
  } else if (typeof v === 'string' && /^[+-]?\d{1,19}$/.test(v.trim())) b = BigInt(v.trim());
  else return fail(type, v);
  if (b < LONG_MIN || b > LONG_MAX) fail(type, v, 'out of the 64-bit range');
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function toDouble(v: SelResult, type: ParamType): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return fail(type, v);
}

function toStr(v: SelResult, type: ParamType): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return fail(type, v);
}

function toBool(v: SelResult, type: ParamType): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return fail(type, v);
}

function arr<T>(v: SelResult, type: ParamType, f: (x: SelResult, t: ParamType) => T): T[] {
  if (!Array.isArray(v)) return fail(type, v);
  return v.map((x, i) => {
    try {
      return f(x, type);
    } catch (e) {
      if (e instanceof SelError) throw new SelError('CONVERSION', `element ${i}: ${e.message}`);
      throw e;
    }
  });
}

/** Converts an evaluate() result to a Maestro param type, or throws SelError('CONVERSION'). */
export function toParamType(value: SelResult, type: ParamType | Lowercase<ParamType> | string): ParamValue {
  const t = String(type).toUpperCase() as ParamType;
  switch (t) {
    case 'STRING':
      return toStr(value, t);
    case 'LONG':
      return toLong(value, t);
    case 'DOUBLE':
      return toDouble(value, t);
    case 'BOOLEAN':
      return toBool(value, t);
    case 'STRING_ARRAY':
      return arr(value, t, toStr);
    case 'LONG_ARRAY':
      return arr(value, t, toLong) as LongValue[];
    case 'DOUBLE_ARRAY':
      return arr(value, t, toDouble);
    case 'BOOLEAN_ARRAY':
      return arr(value, t, toBool);
    case 'MAP':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(t, value);
      return value;
    case 'STRING_MAP': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(t, value);
      const out: Record<string, string> = {};
      for (const [k, x] of Object.entries(value)) {
        if (x === null || typeof x === 'object') fail(t, value, `value of '${k}' is ${describe(x)}`);
        Object.defineProperty(out, k, {
          value: toStr(x, t),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new SelError('CONVERSION', `unknown param type '${String(type).slice(0, 40)}'`);
  }
}

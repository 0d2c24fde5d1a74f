import type { ParamValue } from '@baton/proto';
import { BatonClientError } from './errors';

/** Maestro's parameter types, as ParamValue's oneof can carry them. */
export type ParamType =
  | 'STRING'
  | 'LONG'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'STRING_ARRAY'
  | 'LONG_ARRAY'
  | 'DOUBLE_ARRAY'
  | 'BOOLEAN_ARRAY'
  | 'STRING_MAP'
  | 'MAP';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A plain JS value as `fromParamValue` returns it (and `toParamValue` accepts it back). */
export type ParamJsValue =
  | string
  | number
  | bigint
  | boolean
  | string[]
  | Array<number | bigint | string>
  | boolean[]
  | Record<string, string>
  | { [key: string]: JsonValue };

export interface FromParamValueOptions {
  /**
   * How LONG values (int64, carried as decimal strings) come back.
   * `'auto'`: a number when it is a safe integer, else a bigint; `'bigint'`; `'string'`.
   * Default: `'auto'`.
   */
  longs?: 'auto' | 'bigint' | 'string';
}

const CASE_TYPE: Record<NonNullable<ParamValue['kind']>['$case'], ParamType> = {
  stringValue: 'STRING',
  longValue: 'LONG',
  doubleValue: 'DOUBLE',
  booleanValue: 'BOOLEAN',
  stringArray: 'STRING_ARRAY',
  longArray: 'LONG_ARRAY',
  doubleArray: 'DOUBLE_ARRAY',
  booleanArray: 'BOOLEAN_ARRAY',
  stringMap: 'STRING_MAP',
  mapValue: 'MAP',
};
const PARAM_TYPES = new Set<string>(Object.values(CASE_TYPE));
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The Maestro type a ParamValue carries. */
export function paramTypeOf(pv: ParamValue): ParamType {
  if (!pv.kind) throw invalid('', 'the ParamValue carries no value');
  return CASE_TYPE[pv.kind.$case];
}

/**
 * A ParamValue from a plain value. With `type` (Maestro's names, any case) the value
 * is converted to it, so strings such as "42" or "true" become LONG or BOOLEAN.
 * Without it the type is inferred: string → STRING, boolean → BOOLEAN, bigint and
 * safe integers → LONG, other numbers → DOUBLE, arrays by their elements (integers
 * only → LONG_ARRAY, any fraction → DOUBLE_ARRAY, empty → STRING_ARRAY), objects
 * whose values are all strings → STRING_MAP, other objects → MAP.
 * Throws BatonClientError INVALID_ARGUMENT (with the path as the violation's field).
 */
export function toParamValue(value: unknown, type?: ParamType | string, path = ''): ParamValue {
  const t = type === undefined ? inferType(value, path) : normaliseType(type, path);
  switch (t) {
    case 'STRING':
      return { kind: { $case: 'stringValue', value: toStringScalar(value, path) } };
    case 'LONG':
      return { kind: { $case: 'longValue', value: toLong(value, path) } };
    case 'DOUBLE':
      return { kind: { $case: 'doubleValue', value: toDouble(value, path) } };
    case 'BOOLEAN':
      return { kind: { $case: 'booleanValue', value: toBoolean(value, path) } };
    case 'STRING_ARRAY':
      return { kind: { $case: 'stringArray', value: { values: mapArray(value, path, toStringScalar) } } };
    case 'LONG_ARRAY':
      return { kind: { $case: 'longArray', value: { values: mapArray(value, path, toLong) } } };
    case 'DOUBLE_ARRAY':
      return { kind: { $case: 'doubleArray', value: { values: mapArray(value, path, toDouble) } } };
    case 'BOOLEAN_ARRAY':
      return { kind: { $case: 'booleanArray', value: { values: mapArray(value, path, toBoolean) } } };
    case 'STRING_MAP': {
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(toObject(value, path)))
        values[k] = toStringScalar(v, join(path, k));
      return { kind: { $case: 'stringMap', value: { values } } };
    }
    case 'MAP':
      return { kind: { $case: 'mapValue', value: toJsonObject(value, path) } };
  }
}

/** The plain JS value of a ParamValue (see FromParamValueOptions for LONG values). */
export function fromParamValue(pv: ParamValue, options: FromParamValueOptions = {}): ParamJsValue {
  const kind = pv.kind;
  if (!kind) throw invalid('', 'the ParamValue carries no value');
  const long = (s: string) => fromLong(s, options.longs ?? 'auto');
  switch (kind.$case) {
    case 'stringValue':
    case 'doubleValue':
    case 'booleanValue':
      return kind.value;
    case 'longValue':
      return long(kind.value);
    case 'stringArray':
    case 'doubleArray':
    case 'booleanArray':
      return [...kind.value.values] as ParamJsValue;
    case 'longArray':
      return kind.value.values.map(long);
    case 'stringMap':
      return { ...kind.value.values };
    case 'mapValue':
      return (kind.value ?? {}) as { [key: string]: JsonValue };
  }
}

function inferType(value: unknown, path: string): ParamType {
  switch (typeof value) {
    case 'string':
      return 'STRING';
    case 'boolean':
      return 'BOOLEAN';
    case 'bigint':
      return 'LONG';
    case 'number':
      return Number.isSafeInteger(value) ? 'LONG' : 'DOUBLE';
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.every((v) => typeof v === 'string')) return 'STRING_ARRAY';
    if (value.every((v) => typeof v === 'boolean')) return 'BOOLEAN_ARRAY';
    if (value.every((v) => typeof v === 'bigint' || Number.isSafeInteger(v))) return 'LONG_ARRAY';
    if (value.every((v) => typeof v === 'number')) return 'DOUBLE_ARRAY';
    throw invalid(path, 'an array parameter needs elements of one type (strings, numbers or booleans)');
  }
  if (isPlainObject(value)) {
    const values = Object.values(value);
    return values.length > 0 && values.every((v) => typeof v === 'string') ? 'STRING_MAP' : 'MAP';
  }
  throw invalid(path, `${describe(value)} is not a parameter value`);
}

function normaliseType(type: string, path: string): ParamType {
  const t = type.trim().toUpperCase();
  if (!PARAM_TYPES.has(t)) throw invalid(path, `unknown parameter type "${type}"`);
  return t as ParamType;
}

function toStringScalar(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw invalid(path, `expected a string, got ${describe(v)}`);
}

function toLong(v: unknown, path: string): string {
  let n: bigint | undefined;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) n = BigInt(v.trim());
  if (n === undefined) {
    throw invalid(
      path,
      `expected a 64-bit integer (a safe integer, a bigint or a decimal string), got ${describe(v)}`,
    );
  }
  if (n < INT64_MIN || n > INT64_MAX) throw invalid(path, `${n} does not fit in 64 bits`);
  return n.toString();
}

function fromLong(s: string, mode: 'auto' | 'bigint' | 'string'): number | bigint | string {
  if (mode === 'string') return s;
  const n = BigInt(s);
  if (mode === 'bigint') return n;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function toDouble(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw invalid(path, `expected a number, got ${describe(v)}`);
}

function toBoolean(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw invalid(path, `expected a boolean, got ${describe(v)}`);
}

function mapArray<T>(v: unknown, path: string, each: (x: unknown, p: string) => T): T[] {
  if (!Array.isArray(v)) throw invalid(path, `expected an array, got ${describe(v)}`);
  return v.map((x, i) => each(x, `${path}[${i}]`));
}

function toObject(v: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw invalid(path, `expected an object, got ${describe(v)}`);
  return v;
}

/** MAP travels as a google.protobuf.Struct, which holds JSON and nothing else. */
function toJsonObject(v: unknown, path: string): { [key: string]: JsonValue } {
  const check = (x: unknown, p: string): void => {
    if (x === null || typeof x === 'string' || typeof x === 'boolean') return;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw invalid(p, `${x} cannot be stored in a MAP (JSON) parameter`);
      return;
    }
    if (Array.isArray(x)) {
      for (const [i, e] of x.entries()) check(e, `${p}[${i}]`);
      return;
    }
    if (isPlainObject(x)) {
      for (const [k, e] of Object.entries(x)) check(e, join(p, k));
      return;
    }
    throw invalid(p, `${describe(x)} cannot be stored in a MAP (JSON) parameter`);
  };
  check(toObject(v, path), path);
  return v as { [key: string]: JsonValue };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return v.constructor?.name ? `a ${v.constructor.name}` : 'an object';
  return typeof v === 'string' ? JSON.stringify(v) : `${typeof v} ${String(v)}`;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function invalid(field: string, description: string): BatonClientError {
  return new BatonClientError('INVALID_ARGUMENT', field ? `${field}: ${description}` : description, {
    violations: [{ field, description }],
  });
}

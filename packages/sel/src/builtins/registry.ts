import type { EvalContext } from '../context';
import { SelError } from '../errors';
import { doubleToInt } from '../numeric';
import { JDouble, SelDateTime, SelZone, type Value, kindOf } from '../values';

// biome-ignore lint/suspicious/noExplicitAny: receivers are narrowed by the dispatch table's kind
export type Fn = (ctx: EvalContext, self: any, args: Value[]) => Value;

/**
 * A whitelisted method. `ret` is the static result type used by the validator
 * ('Object' when it depends on the arguments).
 */
export interface MethodSpec {
  min: number;
  max: number;
  ret: string;
  fn: Fn;
}

export const VARARGS = 64;

export function m(min: number, max: number, ret: string, fn: Fn): MethodSpec {
  return { min, max, ret, fn };
}

/**
 * Lookup tables are Maps so that names like `constructor` or `__proto__` can never resolve
 * to anything inherited from Object.prototype.
 */
export function table<T>(o: Record<string, T>): ReadonlyMap<string, T> {
  return new Map(Object.entries(o));
}

export interface ClassSpec {
  statics: ReadonlyMap<string, MethodSpec>;
  fields: ReadonlyMap<string, { type: string; get: (ctx: EvalContext) => Value }>;
  ctor?: MethodSpec;
}

export function argError(what: string, v: Value): SelError {
  return new SelError('TYPE', `${what}: expected ${kindOfExpected(what)} but got ${kindOf(v)}`);
}
function kindOfExpected(what: string): string {
  return what.split(' ')[0] ?? 'value';
}

// ---- argument coercion, lenient the way Maestro's SEL is (int and long interchange)
export function argInt(v: Value, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    if (v >= -2147483648n && v <= 2147483647n) return Number(v);
    throw new SelError('RUNTIME', `${where}: ${v} does not fit int`);
  }
  throw new SelError('TYPE', `${where}: expected int but got ${kindOf(v)}`);
}

export function argLong(v: Value, where: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  throw new SelError('TYPE', `${where}: expected long but got ${kindOf(v)}`);
}

export function argDouble(v: Value, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof JDouble) return v.v;
  throw new SelError('TYPE', `${where}: expected a number but got ${kindOf(v)}`);
}

export function argString(v: Value, where: string): string {
  if (typeof v === 'string') return v;
  throw new SelError('TYPE', `${where}: expected String but got ${kindOf(v)}`);
}

/** Maestro's "String/int/long" arguments (dateInts and the like). */
export function argStrNum(v: Value, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new SelError('TYPE', `${where}: expected String, int or long but got ${kindOf(v)}`);
}

export function argLongLike(v: Value, where: string): bigint {
  if (typeof v === 'string') {
    if (!/^[+-]?\d{1,19}$/.test(v.trim())) throw new SelError('RUNTIME', `${where}: '${v}' is not a number`);
    return BigInt.asIntN(64, BigInt(v.trim()));
  }
  if (v instanceof JDouble) return BigInt(doubleToInt(v.v));
  return argLong(v, where);
}

export function argBool(v: Value, where: string): boolean {
  if (typeof v === 'boolean') return v;
  throw new SelError('TYPE', `${where}: expected boolean but got ${kindOf(v)}`);
}

export function argDateTime(v: Value, where: string): SelDateTime {
  if (v instanceof SelDateTime) return v;
  throw new SelError('TYPE', `${where}: expected DateTime but got ${kindOf(v)}`);
}

export function argZone(v: Value, where: string): SelZone {
  if (v instanceof SelZone) return v;
  throw new SelError('TYPE', `${where}: expected DateTimeZone but got ${kindOf(v)}`);
}

/** Checks an int result of a Java int-returning method. */
export function intResult(n: number): number {
  return n | 0;
}

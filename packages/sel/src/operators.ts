import type { TypeRef } from './ast';
import type { EvalContext } from './context';
import { selEquals } from './equality';
import { SelError } from './errors';
import { arith, compare, doubleToInt, doubleToLong, numRank, toNumber } from './numeric';
import { type ElemType, JDouble, SelArray, SelMap, type Value, javaString, kindOf } from './values';

function textWeight(v: Value): number {
  return v instanceof SelArray ? v.items.length : v instanceof SelMap ? v.map.size : 0;
}

export function binaryOp(ctx: EvalContext, op: string, a: Value, b: Value): Value {
  switch (op) {
    case '+':
      if (typeof a === 'string' || typeof b === 'string') {
        // Concatenating two strings is O(1) in V8 (a rope); only turning a collection into
        // text does work proportional to its size, so only that is charged.
        if (typeof a !== 'string') ctx.charge(textWeight(a));
        if (typeof b !== 'string') ctx.charge(textWeight(b));
        const s = javaString(a) + javaString(b);
        if (s.length > ctx.limits.maxStringLength) ctx.str(s);
        return s;
      }
      break;
    case '==':
      return selEquals(a, b);
    case '!=':
      return !selEquals(a, b);
    case '<':
    case '>':
    case '<=':
    case '>=':
      if (numRank(a) < 0 || numRank(b) < 0) {
        throw new SelError(
          'TYPE',
          `operator ${op} is not defined for ${kindOf(a)} and ${kindOf(b)}${typeof a === 'string' ? ' (use compareTo)' : ''}`,
        );
      }
      return compare(op, a, b);
    case '&':
    case '|':
    case '^':
      if (typeof a === 'boolean' && typeof b === 'boolean') {
        return op === '&' ? a && b : op === '|' ? a || b : a !== b;
      }
      break;
  }
  const ra = numRank(a);
  const rb = numRank(b);
  if (ra < 0 || rb < 0)
    throw new SelError('TYPE', `operator ${op} is not defined for ${kindOf(a)} and ${kindOf(b)}`);
  return arith(op, a, b, ra, rb);
}

export function unaryOp(op: string, v: Value): Value {
  switch (op) {
    case '!':
      if (typeof v !== 'boolean') throw new SelError('TYPE', `operator ! is not defined for ${kindOf(v)}`);
      return !v;
    case '-':
      if (typeof v === 'number') return -v | 0;
      if (typeof v === 'bigint') return BigInt.asIntN(64, -v);
      if (v instanceof JDouble) return new JDouble(-v.v);
      break;
    case '+':
      if (numRank(v) >= 0) return v;
      break;
    case '~':
      if (typeof v === 'number') return ~v;
      if (typeof v === 'bigint') return BigInt.asIntN(64, ~v);
      break;
  }
  throw new SelError('TYPE', `operator ${op} is not defined for ${kindOf(v)}`);
}

/** Explicit casts and the implicit narrowing of compound assignment (`x += 1.5` on an int). */
export function castTo(type: string, v: Value): Value {
  switch (type) {
    case 'int':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
      if (v instanceof JDouble) return doubleToInt(v.v);
      break;
    case 'long':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return BigInt(v);
      if (v instanceof JDouble) return doubleToLong(v.v);
      break;
    case 'double':
      if (numRank(v) >= 0) return v instanceof JDouble ? v : new JDouble(toNumber(v));
      break;
    case 'String':
      if (typeof v === 'string' || v === null) return v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    default:
      return v;
  }
  throw new SelError('TYPE', `cannot cast ${kindOf(v)} to ${type}`);
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;

function convertScalar(type: string, v: Value): Value | undefined {
  switch (type) {
    case 'int':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint' && v >= INT_MIN && v <= INT_MAX) return Number(v);
      return undefined;
    case 'long':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return BigInt(v);
      return undefined;
    case 'double':
      if (v instanceof JDouble) return v;
      if (typeof v === 'number' || typeof v === 'bigint') return new JDouble(Number(v));
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined;
    case 'String':
      return typeof v === 'string' ? v : undefined;
    case 'Object':
      return v;
    default:
      return kindOf(v) === type ? v : undefined;
  }
}

/**
 * Assignment conversion to a declared type. Lenient where Maestro's SEL is (int and long mix
 * freely while the value fits) and strict where Java is (`int x = "s"`, `int x = 1.5`).
 */
export function assignConvert(ctx: EvalContext, type: TypeRef, v: Value): Value {
  if (v === null) return null;
  if (type.array) {
    if (!(v instanceof SelArray)) throw new SelError('TYPE', `cannot assign ${kindOf(v)} to ${type.name}[]`);
    return convertArray(ctx, type.name as ElemType, v);
  }
  const out = convertScalar(type.name, v);
  if (out === undefined) {
    const detail = typeof v === 'bigint' && type.name === 'int' ? ` (${v} does not fit int)` : '';
    throw new SelError('TYPE', `cannot assign ${kindOf(v)} to ${type.name}${detail}`);
  }
  return out;
}

export function convertArray(ctx: EvalContext, elem: ElemType, arr: SelArray): SelArray {
  if (arr.elem === elem || elem === 'Object') return arr;
  ctx.tick(arr.items.length >> 4);
  const items = arr.items.map((x) => convertElem(elem, x));
  return new SelArray(elem, items);
}

export function convertElem(elem: ElemType, v: Value): Value {
  if (v === null) {
    if (elem === 'String' || elem === 'Object') return null;
    throw new SelError('TYPE', `cannot store null in ${elem}[]`);
  }
  const out = convertScalar(elem, v);
  if (out === undefined) throw new SelError('TYPE', `cannot store ${kindOf(v)} in ${elem}[]`);
  return out;
}

export function defaultElem(elem: ElemType): Value {
  switch (elem) {
    case 'int':
      return 0;
    case 'long':
      return 0n;
    case 'double':
      return new JDouble(0);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** Element type of an untyped `{...}` initializer, chosen from its values. */
export function inferElem(items: Value[]): ElemType {
  let t: ElemType | null = null;
  for (const v of items) {
    const k: ElemType =
      typeof v === 'number'
        ? 'int'
        : typeof v === 'bigint'
          ? 'long'
          : v instanceof JDouble
            ? 'double'
            : typeof v === 'boolean'
              ? 'boolean'
              : typeof v === 'string'
                ? 'String'
                : 'Object';
    if (t === null || t === k) t = k;
    else if (
      (t === 'int' || t === 'long' || t === 'double') &&
      (k === 'int' || k === 'long' || k === 'double')
    ) {
      t = t === 'double' || k === 'double' ? 'double' : 'long';
    } else return 'Object';
  }
  return t ?? 'Object';
}

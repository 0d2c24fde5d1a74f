import { SelError } from './errors';
import { JDouble, type Value } from './values';

/** Numeric rank for Java binary numeric promotion: 0 int, 1 long, 2 double, -1 not numeric. */
export function numRank(v: Value): number {
  switch (typeof v) {
    case 'number':
      return 0;
    case 'bigint':
      return 1;
  }
  return v instanceof JDouble ? 2 : -1;
}

export function toNumber(v: Value): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : (v as JDouble).v;
}

export function toBigInt(v: Value): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

/** Java (long) cast of a double: truncation, NaN -> 0, saturating at the long range. */
export function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9.223372036854776e18) return (1n << 63n) - 1n;
  if (d <= -9.223372036854776e18) return -(1n << 63n);
  return BigInt(Math.trunc(d));
}

/** Java (int) cast of a double. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d) | 0;
}

const divZero = (): SelError => new SelError('RUNTIME', 'ArithmeticException: / by zero');

/** Arithmetic for + - * / % and bitwise/shift ops on two numeric values (Java semantics). */
export function arith(op: string, a: Value, b: Value, ra: number, rb: number): Value {
  const shift = op === '<<' || op === '>>' || op === '>>>';
  const rank = shift ? ra : ra > rb ? ra : rb;
  if (rank === 0) {
    const x = a as number;
    const y = shift ? Number(BigInt.asIntN(32, toBigInt(b))) : (b as number);
    switch (op) {
      case '+':
        return (x + y) | 0;
      case '-':
        return (x - y) | 0;
      case '*':
        return Math.imul(x, y);
      case '/':
        if (y === 0) throw divZero();
        return (x / y) | 0;
      case '%':
        if (y === 0) throw divZero();
        return (x % y) | 0;
      case '&':
        return x & y;
      case '|':
        return x | y;
      case '^':
        return x ^ y;
      case '<<':
        return x << y;
      case '>>':
        return x >> y;
      case '>>>':
        return (x >>> y) | 0;
    }
  } else if (rank === 1) {
    if (rb === 2 || ra === 2) throw new SelError('TYPE', `operator ${op} is not defined for double`);
    const x = toBigInt(a);
    const y = toBigInt(b);
    switch (op) {
      case '+':
        return BigInt.asIntN(64, x + y);
      case '-':
        return BigInt.asIntN(64, x - y);
      case '*':
        return BigInt.asIntN(64, x * y);
      case '/':
        if (y === 0n) throw divZero();
        return BigInt.asIntN(64, x / y);
      case '%':
        if (y === 0n) throw divZero();
        return x % y;
      case '&':
        return x & y;
      case '|':
        return x | y;
      case '^':
        return x ^ y;
      case '<<':
        return BigInt.asIntN(64, x << (y & 63n));
      case '>>':
        return x >> (y & 63n);
      case '>>>':
        return BigInt.asIntN(64, BigInt.asUintN(64, x) >> (y & 63n));
    }
  } else {
    const x = toNumber(a);
    const y = toNumber(b);
    switch (op) {
      case '+':
        return new JDouble(x + y);
      case '-':
        return new JDouble(x - y);
      case '*':
        return new JDouble(x * y);
      case '/':
        return new JDouble(x / y);
      case '%':
        return new JDouble(x % y);
    }
  }
  throw new SelError('TYPE', `operator ${op} is not defined for ${rank === 2 ? 'double' : 'these operands'}`);
}

/** Numeric comparison across int/long/double (JS compares number and bigint exactly). */
export function compare(op: string, a: Value, b: Value): boolean {
  const x = a instanceof JDouble ? a.v : (a as number | bigint);
  const y = b instanceof JDouble ? b.v : (b as number | bigint);
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
  }
  return false;
}

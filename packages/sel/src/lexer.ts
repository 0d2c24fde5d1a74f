import { SelError } from './errors';

export type TokenKind = 'ident' | 'int' | 'long' | 'double' | 'string' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier name, operator text, or decoded string literal. */
  text: string;
  /** Numeric literal value (int/double as number, long as bigint). */
  num?: number | bigint;
  line: number;
  column: number;
}

// Longest first so that greedy matching picks `>>>=` over `>>`.
const OPERATORS = [
  '>>>=',
  '<<=',
  '>>=',
  '>>>',
  '...',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
  '!',
  '~',
  '?',
  ':',
  ';',
  ',',
  '.',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '&',
  '|',
  '^',
];

const INT_MAX = 2147483647;
const LONG_MAX = (1n << 63n) - 1n;

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Splits SEL source into tokens; positions are 1-based. ASCII-only outside strings/comments. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = src.length;
  const fail = (msg: string, at = i): never => {
    throw new SelError('SYNTAX', msg, line, at - lineStart + 1);
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12) {
      i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const startCol = i;
      i += 2;
      while (i < n && !(src.charCodeAt(i) === 42 && src.charCodeAt(i + 1) === 47)) {
        if (src.charCodeAt(i) === 10) {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= n) fail('unterminated comment', startCol);
      i += 2;
      continue;
    }
    const column = i - lineStart + 1;
    if (isIdentStart(c)) {
      const s = i;
      while (i < n && (isIdentStart(src.charCodeAt(i)) || isDigit(src.charCodeAt(i)))) i++;
      if (i - s > 256) fail('identifier too long', s);
      out.push({ kind: 'ident', text: src.slice(s, i), line, column });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      i = lexNumber(src, i, line, column, out, fail);
      continue;
    }
    if (c === 34 || c === 39) {
      const r = lexString(src, i, fail);
      out.push({ kind: 'string', text: r.value, line, column });
      i = r.end;
      continue;
    }
    let matched = '';
    for (const op of OPERATORS) {
      if (src.startsWith(op, i)) {
        matched = op;
        break;
      }
    }
    if (!matched) {
      const cp = src.codePointAt(i) ?? 0;
      fail(`unexpected character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    out.push({ kind: 'op', text: matched, line, column });
    i += matched.length;
  }
  out.push({ kind: 'eof', text: '<end of input>', line, column: i - lineStart + 1 });
  return out;
}

function lexNumber(
  src: string,
  start: number,
  line: number,
  column: number,
  out: Token[],
  fail: (m: string, at?: number) => never,
): number {
  let i = start;
  const n = src.length;
  if (src[i] === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X')) {
    i += 2;
    const s = i;
    while (i < n && /[0-9a-fA-F_]/.test(src[i])) i++;
    const digits = src.slice(s, i).replace(/_/g, '');
    if (!digits) fail('malformed hex literal', start);
    const isLong = src[i] === 'L' || src[i] === 'l';
    if (isLong) i++;
    const v = BigInt(`0x${digits}`);
    if (isLong || v > 0xffffffffn) {
      if (v > 0xffffffffffffffffn) fail('hex literal out of range', start);
      out.push({ kind: 'long', text: src.slice(start, i), num: BigInt.asIntN(64, v), line, column });
    } else {
      out.push({ kind: 'int', text: src.slice(start, i), num: Number(v) | 0, line, column });
    }
    return i;
  }
  while (i < n && (isDigit(src.charCodeAt(i)) || src[i] === '_')) i++;
  let isDouble = false;
  if (src[i] === '.' && isDigit(src.charCodeAt(i + 1))) {
    isDouble = true;
    i++;
    while (i < n && (isDigit(src.charCodeAt(i)) || src[i] === '_')) i++;
  } else if (src[i] === '.' && !isIdentStart(src.charCodeAt(i + 1))) {
    isDouble = true;
    i++;
  }
  if (src[i] === 'e' || src[i] === 'E') {
    let j = i + 1;
    if (src[j] === '+' || src[j] === '-') j++;
    if (!isDigit(src.charCodeAt(j))) fail('malformed exponent', i);
    while (j < n && isDigit(src.charCodeAt(j))) j++;
    i = j;
    isDouble = true;
  }
  const body = src.slice(start, i).replace(/_/g, '');
  const suffix = src[i];
  if (suffix === 'f' || suffix === 'F' || suffix === 'd' || suffix === 'D') {
    i++;
    isDouble = true;
  } else if (!isDouble && (suffix === 'L' || suffix === 'l')) {
    i++;
    const v = BigInt(body);
    if (v > LONG_MAX + 1n) fail('long literal out of range', start);
    out.push({ kind: 'long', text: src.slice(start, i), num: BigInt.asIntN(64, v), line, column });
    return i;
  }
  if (isIdentStart(src.charCodeAt(i)) || isDigit(src.charCodeAt(i))) fail('malformed number', start);
  if (isDouble) {
    out.push({ kind: 'double', text: src.slice(start, i), num: Number(body), line, column });
    return i;
  }
  if (body.length > 1 && body[0] === '0') fail('octal literals are not supported', start);
  const v = BigInt(body);
  // Java rejects int literals above 2^31-1 without `L`; Maestro's SEL accepts them as long,
  // and so do we (2147483648 stays valid so that `-2147483648` can be folded to int).
  if (v <= BigInt(INT_MAX) + 1n) {
    out.push({ kind: 'int', text: body, num: Number(v), line, column });
  } else {
    if (v > LONG_MAX + 1n) fail('integer literal out of range', start);
    out.push({ kind: 'long', text: body, num: BigInt.asIntN(64, v), line, column });
  }
  return i;
}

function lexString(
  src: string,
  start: number,
  fail: (m: string, at?: number) => never,
): { value: string; end: number } {
  const quote = src[start];
  let i = start + 1;
  let value = '';
  const n = src.length;
  let chunk = i;
  while (i < n) {
    const ch = src[i];
    if (ch === quote) {
      value += src.slice(chunk, i);
      return { value, end: i + 1 };
    }
    if (ch === '\n') fail('unterminated string literal', start);
    if (ch === '\\') {
      value += src.slice(chunk, i);
      const e = src[i + 1];
      i += 2;
      switch (e) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 's':
          value += ' ';
          break;
        case '0':
          value += '\0';
          break;
        case '\\':
          value += '\\';
          break;
        case "'":
          value += "'";
          break;
        case '"':
          value += '"';
          break;
        case 'u': {
          while (src[i] === 'u') i++;
          const hex = src.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('malformed \\u escape', i - 2);
          value += String.fromCharCode(Number.parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          fail(`invalid escape sequence \\${e ?? ''}`, i - 2);
      }
      chunk = i;
      continue;
    }
    i++;
  }
  return fail('unterminated string literal', start);
}

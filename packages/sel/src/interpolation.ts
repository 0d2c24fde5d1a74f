import { SelError } from './errors';

/**
 * Maestro literal interpolation: `$name` and `${name}` are replaced by a parameter's value,
 * `$$` is a literal `$`. A `$` followed by anything else stays literal.
 */
export interface InterpolationPart {
  literal?: string;
  name?: string;
  /** 0-based offset of the reference in the text. */
  offset: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function scanInterpolation(text: string): InterpolationPart[] {
  const parts: InterpolationPart[] = [];
  let lit = '';
  let litStart = 0;
  let i = 0;
  const flush = (at: number) => {
    if (lit) parts.push({ literal: lit, offset: litStart });
    lit = '';
    litStart = at;
  };
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      lit += c;
      i++;
      continue;
    }
    const n = text[i + 1];
    if (n === '$') {
      lit += '$';
      i += 2;
      continue;
    }
    if (n === '{') {
      const end = text.indexOf('}', i + 2);
      if (end < 0) throw new SelError('INTERPOLATION', `unterminated \${ at offset ${i}`, 1, i + 1);
      const name = text.slice(i + 2, end).trim();
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
        throw new SelError(
          'INTERPOLATION',
          `invalid parameter reference '\${${name.slice(0, 60)}}'`,
          1,
          i + 1,
        );
      }
      flush(i);
      parts.push({ name, offset: i });
      i = end + 1;
      litStart = i;
      continue;
    }
    if (n !== undefined && NAME_START.test(n)) {
      let j = i + 1;
      while (j < text.length && NAME_CHAR.test(text[j])) j++;
      flush(i);
      parts.push({ name: text.slice(i + 1, j), offset: i });
      i = j;
      litStart = i;
      continue;
    }
    lit += '$';
    i++;
  }
  flush(i);
  return parts;
}

export interface InterpolationCheck {
  ok: boolean;
  /** Parameter names referenced, in order of first use. */
  names: string[];
  errors: { message: string; line: number; column: number }[];
}

export function validateInterpolation(text: string): InterpolationCheck {
  try {
    const names = [...new Set(scanInterpolation(text).flatMap((p) => (p.name ? [p.name] : [])))];
    return { ok: true, names, errors: [] };
  } catch (e) {
    if (!(e instanceof SelError)) throw e;
    return { ok: false, names: [], errors: [{ message: e.detail, line: e.line, column: e.column }] };
  }
}

/** What a lookup may return for a name; undefined means "no such parameter". */
export type InterpolationValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | readonly unknown[]
  | object;

function render(v: InterpolationValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

export function interpolate(
  text: string,
  lookup: (name: string) => InterpolationValue,
  maxLength = 1_048_576,
): string {
  let out = '';
  for (const p of scanInterpolation(text)) {
    if (p.literal !== undefined) out += p.literal;
    else {
      const name = p.name as string;
      const v = lookup(name);
      if (v === undefined)
        throw new SelError('INTERPOLATION', `unknown parameter '${name}' in interpolation`, 1, p.offset + 1);
      out += render(v);
    }
    if (out.length > maxLength)
      throw new SelError('LIMIT_STRING', `interpolated string exceeds ${maxLength} characters`);
  }
  return out;
}

/** Interpolates a string, every element of a string array, or every value of a string map. */
export function interpolateValue<T extends string | readonly string[] | Readonly<Record<string, string>>>(
  value: T,
  lookup: (name: string) => InterpolationValue,
): T {
  if (typeof value === 'string') return interpolate(value, lookup) as T;
  if (Array.isArray(value)) return value.map((s: string) => interpolate(s, lookup)) as unknown as T;
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(value as Record<string, string>)) {
    Object.defineProperty(out, k, {
      value: interpolate(s, lookup),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}

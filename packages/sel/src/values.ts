import { SelError } from './errors';
import type { DateTime, Zone } from 'luxon';

/**
 * Runtime values. JS primitives are used where the Java type is unambiguous so that the hot
 * path allocates nothing: int = JS number (always an int32), long = bigint (always int64),
 * String = string, boolean = boolean, null = null. Java double needs its own box so that
 * `2.0` and `2` stay distinct types.
 */
export class JDouble {
  constructor(readonly v: number) {}
}

export type ElemType = 'int' | 'long' | 'double' | 'boolean' | 'String' | 'Object';

export class SelArray {
  constructor(
    readonly elem: ElemType,
    public items: Value[],
  ) {}
}

/** Map<String, Object>; a JS Map so that keys like `__proto__` are plain data. */
export class SelMap {
  constructor(readonly map: Map<string, Value> = new Map()) {}
}

export class SelDateTime {
  constructor(readonly dt: DateTime) {}
}

export class SelZone {
  constructor(
    readonly id: string,
    readonly zone: Zone,
  ) {}
}

export class SelFormatter {
  constructor(
    readonly pattern: string,
    readonly zone: SelZone | null,
  ) {}
}

export class SelDays {
  constructor(readonly days: number) {}
}

export class SelProperty {
  constructor(
    readonly dt: DateTime,
    readonly field: string,
  ) {}
}

export class SelUuid {
  constructor(readonly text: string) {}
}

/** A class used as a value receiver: `Math`, `Util`, `params`... (never a JS object). */
export class SelClassRef {
  constructor(readonly name: string) {}
}

export type Value =
  | null
  | boolean
  | string
  | number
  | bigint
  | JDouble
  | SelArray
  | SelMap
  | SelDateTime
  | SelZone
  | SelFormatter
  | SelDays
  | SelProperty
  | SelUuid
  | SelClassRef;

/** The SEL type name of a value, used for dispatch and error messages. */
export function kindOf(v: Value): string {
  switch (typeof v) {
    case 'number':
      return 'int';
    case 'bigint':
      return 'long';
    case 'string':
      return 'String';
    case 'boolean':
      return 'boolean';
  }
  if (v === null) return 'null';
  if (v instanceof JDouble) return 'double';
  if (v instanceof SelArray) return `${v.elem}[]`;
  if (v instanceof SelMap) return 'Map';
  if (v instanceof SelDateTime) return 'DateTime';
  if (v instanceof SelZone) return 'DateTimeZone';
  if (v instanceof SelFormatter) return 'DateTimeFormatter';
  if (v instanceof SelDays) return 'Days';
  if (v instanceof SelProperty) return 'Property';
  if (v instanceof SelUuid) return 'UUID';
  return v.name;
}

/** Java's Double.toString. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = d.toExponential().split('e');
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/**
 * Characters javaString builds for one array or map before it gives up. Arrays may hold the
 * same array many times over, so the text of a nested array can be exponentially larger than
 * the values behind it; building it must stop long before it could block the process.
 */
export const MAX_TEXT_BUILD = 4 * 1_048_576;

/** Java's String.valueOf for any SEL value (used by `+` concatenation). */
export function javaString(v: Value, depth = 0, budget = { left: MAX_TEXT_BUILD }): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (v === null) return 'null';
  if (v instanceof JDouble) return javaDouble(v.v);
  if (depth > 8) return '...';
  if (v instanceof SelArray) {
    const parts: string[] = [];
    for (const x of v.items) parts.push(spend(javaString(x, depth + 1, budget), budget));
    return `[${parts.join(', ')}]`;
  }
  if (v instanceof SelMap) {
    const parts: string[] = [];
    for (const [k, x] of v.map) parts.push(spend(`${k}=${javaString(x, depth + 1, budget)}`, budget));
    return `{${parts.join(', ')}}`;
  }
  if (v instanceof SelDateTime) return jodaIso(v.dt);
  if (v instanceof SelZone) return v.id;
  if (v instanceof SelFormatter) return `DateTimeFormatter[${v.pattern}]`;
  if (v instanceof SelDays) return `P${v.days}D`;
  if (v instanceof SelProperty) return `Property[${v.field}]`;
  if (v instanceof SelUuid) return v.text;
  return `class ${v.name}`;
}

function spend(part: string, budget: { left: number }): string {
  budget.left -= part.length + 2;
  if (budget.left < 0) {
    throw new SelError('LIMIT_STRING', `text of a collection exceeds ${MAX_TEXT_BUILD} characters`);
  }
  return part;
}

/** Joda DateTime.toString(): ISO with millis and the zone offset (`Z` for UTC). */
export function jodaIso(dt: DateTime): string {
  const s = dt.toISO({ includeOffset: true, suppressMilliseconds: false }) ?? 'Invalid DateTime';
  return dt.offset === 0 ? s.replace(/[+-]00:00$/, 'Z') : s;
}

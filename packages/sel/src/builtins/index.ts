import {
  JDouble,
  SelArray,
  SelDateTime,
  SelDays,
  SelFormatter,
  SelMap,
  SelProperty,
  SelUuid,
  SelZone,
  type Value,
} from '../values';
import { ARRAY_METHODS, MAP_METHODS } from './collections';
import {
  DATETIME_METHODS,
  DATE_CLASSES,
  DAYS_METHODS,
  FORMATTER_METHODS,
  PROPERTY_METHODS,
  ZONE_METHODS,
} from './datetime';
import { LANG_CLASSES, UUID_METHODS } from './lang';
import { PARAMS_METHODS } from './params';
import { type ClassSpec, type MethodSpec, m, table } from './registry';
import { STRING_METHODS } from './strings';
import { UTIL_CLASSES } from './util';

/** Every class a script can name. Nothing outside these tables is reachable. */
export const CLASSES: ReadonlyMap<string, ClassSpec> = new Map([
  ...LANG_CLASSES,
  ...DATE_CLASSES,
  ...UTIL_CLASSES,
]);

const NUMBER_METHODS: ReadonlyMap<string, MethodSpec> = table({
  toString: m(0, 0, 'String', (_c, v: Value) => (v instanceof JDouble ? String(v.v) : String(v))),
  intValue: m(0, 0, 'int', (_c, v: Value) =>
    typeof v === 'number'
      ? v
      : typeof v === 'bigint'
        ? Number(BigInt.asIntN(32, v))
        : Math.trunc((v as JDouble).v) | 0,
  ),
  longValue: m(0, 0, 'long', (_c, v: Value) =>
    typeof v === 'bigint' ? v : BigInt(Math.trunc(typeof v === 'number' ? v : (v as JDouble).v)),
  ),
  doubleValue: m(
    0,
    0,
    'double',
    (_c, v: Value) =>
      new JDouble(typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : (v as JDouble).v),
  ),
});

/** Instance methods per runtime kind, keyed the way `kindOf` names them (arrays share one table). */
export const INSTANCE_METHODS: ReadonlyMap<string, ReadonlyMap<string, MethodSpec>> = new Map([
  ['String', STRING_METHODS],
  ['array', ARRAY_METHODS],
  ['Map', MAP_METHODS],
  ['DateTime', DATETIME_METHODS],
  ['Property', PROPERTY_METHODS],
  ['DateTimeZone', ZONE_METHODS],
  ['DateTimeFormatter', FORMATTER_METHODS],
  ['Days', DAYS_METHODS],
  ['UUID', UUID_METHODS],
  ['params', PARAMS_METHODS],
  ['number', NUMBER_METHODS],
]);

export function methodsFor(v: Value): ReadonlyMap<string, MethodSpec> | undefined {
  if (typeof v === 'string') return STRING_METHODS;
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof JDouble) return NUMBER_METHODS;
  if (v instanceof SelArray) return ARRAY_METHODS;
  if (v instanceof SelMap) return MAP_METHODS;
  if (v instanceof SelDateTime) return DATETIME_METHODS;
  if (v instanceof SelProperty) return PROPERTY_METHODS;
  if (v instanceof SelZone) return ZONE_METHODS;
  if (v instanceof SelFormatter) return FORMATTER_METHODS;
  if (v instanceof SelDays) return DAYS_METHODS;
  if (v instanceof SelUuid) return UUID_METHODS;
  return undefined;
}

export { PARAMS_METHODS };

import { DateTime, type DurationLikeObject } from 'luxon';
import type { EvalContext } from '../context';
import { SelError } from '../errors';
import {
  SelDateTime,
  SelDays,
  SelFormatter,
  SelProperty,
  type SelZone,
  type Value,
  jodaIso,
  kindOf,
} from '../values';
import { DATE_FIELDS, setField } from './date-fields';
import { compilePattern, formatJoda, parseJoda } from './joda-format';
import {
  type ClassSpec,
  type MethodSpec,
  argDateTime,
  argInt,
  argLong,
  argString,
  argZone,
  m,
  table,
} from './registry';
import { UTC_ZONE, zoneForId, zoneForOffsetMinutes } from './zones';

const MAX_MS = 8.64e15;

export function dateAt(ms: number | bigint, zone: SelZone): SelDateTime {
  const n = Number(ms);
  if (!Number.isFinite(n) || Math.abs(n) > MAX_MS)
    throw new SelError('RUNTIME', `instant ${ms} is out of range`);
  return new SelDateTime(DateTime.fromMillis(n, { zone: zone.zone }));
}

function checked(dt: DateTime): SelDateTime {
  if (!dt.isValid || Math.abs(dt.toMillis()) > MAX_MS)
    throw new SelError('RUNTIME', `DateTime out of range: ${dt.invalidReason ?? ''}`);
  return new SelDateTime(dt);
}

function zoneOf(d: SelDateTime): SelZone {
  const name = d.dt.zoneName ?? 'UTC';
  return name === 'UTC' ? UTC_ZONE : zoneForId(d.dt.zone.type === 'fixed' ? fixedId(d.dt.offset) : name);
}
function fixedId(off: number): string {
  return zoneForOffsetMinutes(off).id;
}

function millisOf(v: Value, where: string): number {
  if (v instanceof SelDateTime) return v.dt.toMillis();
  return Number(argLong(v, where));
}

function plus(unit: keyof DurationLikeObject, sign: 1 | -1): MethodSpec {
  return m(1, 1, 'DateTime', (_c, d: SelDateTime, a) => {
    const n = argInt(a[0], `${sign > 0 ? 'plus' : 'minus'} ${unit}`);
    return checked(d.dt.plus({ [unit]: sign * n }));
  });
}

function fmtZone(f: SelFormatter): SelZone {
  return f.zone ?? UTC_ZONE;
}

export function parseWith(f: SelFormatter, text: string): SelDateTime {
  return checked(parseJoda(text, f.pattern, fmtZone(f).zone));
}

function parseIso(text: string, zone: SelZone): SelDateTime {
  if (text.length > 64) throw new SelError('RUNTIME', 'IllegalArgumentException: Invalid format: too long');
  const dt = DateTime.fromISO(text, { zone: zone.zone, setZone: false });
  if (!dt.isValid) throw new SelError('RUNTIME', `IllegalArgumentException: Invalid format: "${text}"`);
  return checked(dt);
}

function dtToString(c: EvalContext, d: SelDateTime, a: Value[]): Value {
  if (a.length === 0 || a[0] === null) return jodaIso(d.dt);
  return c.str(formatJoda(d.dt, argString(a[0], 'toString'), zoneOf(d).id));
}

const dateTimeMethods: Record<string, MethodSpec> = {
  toString: m(0, 1, 'String', dtToString),
  getMillis: m(0, 0, 'long', (_c, d: SelDateTime) => BigInt(d.dt.toMillis())),
  getZone: m(0, 0, 'DateTimeZone', (_c, d: SelDateTime) => zoneOf(d)),
  withZone: m(
    1,
    1,
    'DateTime',
    (_c, d: SelDateTime, a) => new SelDateTime(d.dt.setZone(argZone(a[0], 'withZone').zone)),
  ),
  toDateTime: m(0, 1, 'DateTime', (_c, d: SelDateTime, a) =>
    a.length ? new SelDateTime(d.dt.setZone(argZone(a[0], 'toDateTime').zone)) : d,
  ),
  withZoneRetainFields: m(1, 1, 'DateTime', (_c, d: SelDateTime, a) =>
    checked(d.dt.setZone(argZone(a[0], 'withZoneRetainFields').zone, { keepLocalTime: true })),
  ),
  withTimeAtStartOfDay: m(0, 0, 'DateTime', (_c, d: SelDateTime) => checked(d.dt.startOf('day'))),
  plus: m(1, 1, 'DateTime', (_c, d: SelDateTime, a) => checked(d.dt.plus(Number(argLong(a[0], 'plus'))))),
  minus: m(1, 1, 'DateTime', (_c, d: SelDateTime, a) => checked(d.dt.minus(Number(argLong(a[0], 'minus'))))),
  isAfter: m(1, 1, 'boolean', (_c, d: SelDateTime, a) => d.dt.toMillis() > millisOf(a[0], 'isAfter')),
  isBefore: m(1, 1, 'boolean', (_c, d: SelDateTime, a) => d.dt.toMillis() < millisOf(a[0], 'isBefore')),
  isEqual: m(1, 1, 'boolean', (_c, d: SelDateTime, a) => d.dt.toMillis() === millisOf(a[0], 'isEqual')),
  isAfterNow: m(0, 0, 'boolean', (c, d: SelDateTime) => d.dt.toMillis() > c.now()),
  isBeforeNow: m(0, 0, 'boolean', (c, d: SelDateTime) => d.dt.toMillis() < c.now()),
  equals: m(1, 1, 'boolean', (_c, d: SelDateTime, a) => a[0] instanceof SelDateTime && a[0].dt.equals(d.dt)),
  compareTo: m(1, 1, 'int', (_c, d: SelDateTime, a) =>
    Math.sign(d.dt.toMillis() - millisOf(a[0], 'compareTo')),
  ),
};
const UNITS: [string, keyof DurationLikeObject][] = [
  ['Years', 'years'],
  ['Months', 'months'],
  ['Weeks', 'weeks'],
  ['Days', 'days'],
  ['Hours', 'hours'],
  ['Minutes', 'minutes'],
  ['Seconds', 'seconds'],
  ['Millis', 'milliseconds'],
];
for (const [name, unit] of UNITS) {
  dateTimeMethods[`plus${name}`] = plus(unit, 1);
  dateTimeMethods[`minus${name}`] = plus(unit, -1);
}
for (const [field, f] of DATE_FIELDS) {
  const cap = field[0].toUpperCase() + field.slice(1);
  dateTimeMethods[`get${cap}`] = m(0, 0, 'int', (_c, d: SelDateTime) => f.get(d.dt));
  dateTimeMethods[`with${cap}`] = m(1, 1, 'DateTime', (_c, d: SelDateTime, a) =>
    checked(setField(d.dt, field, argInt(a[0], `with${cap}`))),
  );
  dateTimeMethods[field] = m(0, 0, 'Property', (_c, d: SelDateTime) => new SelProperty(d.dt, field));
}

export const DATETIME_METHODS: ReadonlyMap<string, MethodSpec> = table(dateTimeMethods);

function propField(p: SelProperty) {
  const f = DATE_FIELDS.get(p.field);
  if (!f) throw new SelError('RUNTIME', `unknown field ${p.field}`);
  return f;
}

export const PROPERTY_METHODS: ReadonlyMap<string, MethodSpec> = table({
  get: m(0, 0, 'int', (_c, p: SelProperty) => propField(p).get(p.dt)),
  getAsText: m(0, 0, 'String', (_c, p: SelProperty) => {
    const f = propField(p);
    return f.text ? f.text(p.dt, false) : String(f.get(p.dt));
  }),
  getAsShortText: m(0, 0, 'String', (_c, p: SelProperty) => {
    const f = propField(p);
    return f.text ? f.text(p.dt, true) : String(f.get(p.dt));
  }),
  getAsString: m(0, 0, 'String', (_c, p: SelProperty) => String(propField(p).get(p.dt))),
  getMinimumValue: m(0, 0, 'int', (_c, p: SelProperty) => propField(p).min(p.dt)),
  getMaximumValue: m(0, 0, 'int', (_c, p: SelProperty) => propField(p).max(p.dt)),
  withMinimumValue: m(0, 0, 'DateTime', (_c, p: SelProperty) =>
    checked(setField(p.dt, p.field, propField(p).min(p.dt))),
  ),
  withMaximumValue: m(0, 0, 'DateTime', (_c, p: SelProperty) =>
    checked(setField(p.dt, p.field, propField(p).max(p.dt))),
  ),
  setCopy: m(1, 1, 'DateTime', (_c, p: SelProperty, a) =>
    checked(setField(p.dt, p.field, argInt(a[0], 'setCopy'))),
  ),
  getName: m(0, 0, 'String', (_c, p: SelProperty) => p.field),
});

export const ZONE_METHODS: ReadonlyMap<string, MethodSpec> = table({
  getID: m(0, 0, 'String', (_c, z: SelZone) => z.id),
  toString: m(0, 0, 'String', (_c, z: SelZone) => z.id),
  getOffset: m(1, 1, 'int', (_c, z: SelZone, a) => z.zone.offset(millisOf(a[0], 'getOffset')) * 60_000),
  isFixed: m(0, 0, 'boolean', (_c, z: SelZone) => z.zone.isUniversal),
  equals: m(
    1,
    1,
    'boolean',
    (_c, z: SelZone, a) =>
      a[0] instanceof Object && kindOf(a[0]) === 'DateTimeZone' && (a[0] as SelZone).id === z.id,
  ),
});

export const FORMATTER_METHODS: ReadonlyMap<string, MethodSpec> = table({
  withZone: m(
    1,
    1,
    'DateTimeFormatter',
    (_c, f: SelFormatter, a) => new SelFormatter(f.pattern, argZone(a[0], 'withZone')),
  ),
  withZoneUTC: m(0, 0, 'DateTimeFormatter', (_c, f: SelFormatter) => new SelFormatter(f.pattern, UTC_ZONE)),
  getZone: m(0, 0, 'DateTimeZone', (_c, f: SelFormatter) => f.zone),
  parseDateTime: m(1, 1, 'DateTime', (_c, f: SelFormatter, a) =>
    parseWith(f, dateText(a[0], 'parseDateTime')),
  ),
  parseMillis: m(1, 1, 'long', (_c, f: SelFormatter, a) =>
    BigInt(parseWith(f, dateText(a[0], 'parseMillis')).dt.toMillis()),
  ),
  print: m(1, 1, 'String', (c, f: SelFormatter, a) => {
    const v = a[0];
    const d =
      v instanceof SelDateTime
        ? f.zone
          ? new SelDateTime(v.dt.setZone(f.zone.zone))
          : v
        : dateAt(argLong(v, 'print'), fmtZone(f));
    return c.str(formatJoda(d.dt, f.pattern, zoneOf(d).id));
  }),
});

function dateText(v: Value, where: string): string {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return argString(v, where);
}

export const DAYS_METHODS: ReadonlyMap<string, MethodSpec> = table({
  getDays: m(0, 0, 'int', (_c, d: SelDays) => d.days),
  toString: m(0, 0, 'String', (_c, d: SelDays) => `P${d.days}D`),
});

function newDateTime(c: EvalContext, a: Value[]): Value {
  if (a.length === 0) return dateAt(c.now(), UTC_ZONE);
  if (a.length === 1 && a[0] instanceof Object && kindOf(a[0]) === 'DateTimeZone')
    return dateAt(c.now(), a[0] as SelZone);
  if (a.length === 1 && typeof a[0] === 'string') return parseIso(a[0], UTC_ZONE);
  if (a.length === 1 || (a.length === 2 && kindOf(a[1]) === 'DateTimeZone')) {
    const zone = a.length === 2 ? argZone(a[1], 'new DateTime') : UTC_ZONE;
    if (typeof a[0] === 'string') return parseIso(a[0], zone);
    return dateAt(argLong(a[0], 'new DateTime'), zone);
  }
  let zone = UTC_ZONE;
  let nums = a;
  if (kindOf(a[a.length - 1]) === 'DateTimeZone') {
    zone = a[a.length - 1] as SelZone;
    nums = a.slice(0, -1);
  }
  if (nums.length < 5 || nums.length > 7)
    throw new SelError('RUNTIME', `no DateTime constructor takes ${a.length} arguments`);
  const [year, month, day, hour, minute, second = 0, millisecond = 0] = nums.map((x) =>
    argInt(x, 'new DateTime'),
  );
  const dt = DateTime.fromObject(
    { year, month, day, hour, minute, second, millisecond },
    { zone: zone.zone },
  );
  if (!dt.isValid)
    throw new SelError('RUNTIME', `IllegalFieldValueException: ${dt.invalidExplanation ?? dt.invalidReason}`);
  return checked(dt);
}

const CONSTANTS: Record<string, number> = {
  MONDAY: 1,
  TUESDAY: 2,
  WEDNESDAY: 3,
  THURSDAY: 4,
  FRIDAY: 5,
  SATURDAY: 6,
  SUNDAY: 7,
  JANUARY: 1,
  FEBRUARY: 2,
  MARCH: 3,
  APRIL: 4,
  MAY: 5,
  JUNE: 6,
  JULY: 7,
  AUGUST: 8,
  SEPTEMBER: 9,
  OCTOBER: 10,
  NOVEMBER: 11,
  DECEMBER: 12,
  AM: 0,
  PM: 1,
  BC: 0,
  BCE: 0,
  AD: 1,
  CE: 1,
  MILLIS_PER_SECOND: 1000,
  SECONDS_PER_MINUTE: 60,
  MILLIS_PER_MINUTE: 60000,
  MINUTES_PER_HOUR: 60,
  SECONDS_PER_HOUR: 3600,
  MILLIS_PER_HOUR: 3600000,
  HOURS_PER_DAY: 24,
  MINUTES_PER_DAY: 1440,
  SECONDS_PER_DAY: 86400,
  MILLIS_PER_DAY: 86400000,
  DAYS_PER_WEEK: 7,
  HOURS_PER_WEEK: 168,
  MINUTES_PER_WEEK: 10080,
  SECONDS_PER_WEEK: 604800,
  MILLIS_PER_WEEK: 604800000,
};

export const DATE_CLASSES: ReadonlyMap<string, ClassSpec> = table<ClassSpec>({
  DateTime: {
    statics: table({
      now: m(0, 1, 'DateTime', (c, _s, a) =>
        dateAt(c.now(), a.length ? argZone(a[0], 'DateTime.now') : UTC_ZONE),
      ),
      parse: m(1, 2, 'DateTime', (_c, _s, a) => {
        const text = argString(a[0], 'DateTime.parse');
        if (a.length === 1) return parseIso(text, UTC_ZONE);
        if (!(a[1] instanceof SelFormatter))
          throw new SelError('TYPE', `DateTime.parse: expected DateTimeFormatter but got ${kindOf(a[1])}`);
        return parseWith(a[1], text);
      }),
    }),
    fields: table({}),
    ctor: m(0, 8, 'DateTime', (c, _s, a) => newDateTime(c, a)),
  },
  DateTimeZone: {
    statics: table({
      forID: m(1, 1, 'DateTimeZone', (_c, _s, a) => zoneForId(argString(a[0], 'DateTimeZone.forID'))),
      forOffsetHours: m(1, 1, 'DateTimeZone', (_c, _s, a) =>
        zoneForOffsetMinutes(argInt(a[0], 'forOffsetHours') * 60),
      ),
      forOffsetHoursMinutes: m(2, 2, 'DateTimeZone', (_c, _s, a) => {
        const h = argInt(a[0], 'forOffsetHoursMinutes');
        const mi = argInt(a[1], 'forOffsetHoursMinutes');
        return zoneForOffsetMinutes(h * 60 + (h < 0 ? -Math.abs(mi) : mi));
      }),
      getDefault: m(0, 0, 'DateTimeZone', () => UTC_ZONE),
    }),
    fields: table({ UTC: { type: 'DateTimeZone', get: () => UTC_ZONE } }),
  },
  DateTimeFormat: {
    statics: table({
      forPattern: m(1, 1, 'DateTimeFormatter', (_c, _s, a) => {
        const p = argString(a[0], 'DateTimeFormat.forPattern');
        compilePattern(p);
        return new SelFormatter(p, null);
      }),
    }),
    fields: table({}),
  },
  Days: {
    statics: table({
      daysBetween: m(2, 2, 'Days', (_c, _s, a) => {
        const x = argDateTime(a[0], 'Days.daysBetween');
        const y = argDateTime(a[1], 'Days.daysBetween');
        return new SelDays(Math.trunc(y.dt.setZone(x.dt.zone).diff(x.dt, 'days').days));
      }),
      days: m(1, 1, 'Days', (_c, _s, a) => new SelDays(argInt(a[0], 'Days.days'))),
    }),
    fields: table({}),
  },
  DateTimeConstants: {
    statics: table({}),
    fields: table(
      Object.fromEntries(Object.entries(CONSTANTS).map(([k, v]) => [k, { type: 'int', get: () => v }])),
    ),
  },
});

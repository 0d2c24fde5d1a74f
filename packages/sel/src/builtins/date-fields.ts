import type { DateTime } from 'luxon';
import { SelError } from '../errors';
import { MONTHS, WEEKDAYS } from './joda-format';

/** One Joda DateTime field: read, its valid range at `dt`, and a set that keeps the zone. */
export interface DateField {
  get(dt: DateTime): number;
  min(dt: DateTime): number;
  max(dt: DateTime): number;
  set(dt: DateTime, v: number): DateTime;
  text?(dt: DateTime, short: boolean): string;
}

const DAY_MS = 86_400_000;
const msOfDay = (dt: DateTime): number =>
  ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond;
const fromMsOfDay = (dt: DateTime, v: number): DateTime =>
  dt.set({
    hour: Math.floor(v / 3_600_000),
    minute: Math.floor(v / 60_000) % 60,
    second: Math.floor(v / 1000) % 60,
    millisecond: v % 1000,
  });

function simple(
  unit:
    | 'year'
    | 'month'
    | 'day'
    | 'hour'
    | 'minute'
    | 'second'
    | 'millisecond'
    | 'weekYear'
    | 'weekNumber'
    | 'weekday'
    | 'ordinal',
  min: number,
  max: (dt: DateTime) => number,
): DateField {
  return {
    get: (dt) => dt[unit],
    min: () => min,
    max,
    set: (dt, v) => dt.set({ [unit]: v }),
  };
}

export const DATE_FIELDS: ReadonlyMap<string, DateField> = new Map<string, DateField>([
  ['year', simple('year', -9999, () => 99999)],
  ['weekyear', simple('weekYear', -9999, () => 99999)],
  [
    'monthOfYear',
    {
      ...simple('month', 1, () => 12),
      text: (dt, s) => (s ? MONTHS[dt.month - 1].slice(0, 3) : MONTHS[dt.month - 1]),
    },
  ],
  ['weekOfWeekyear', simple('weekNumber', 1, (dt) => dt.weeksInWeekYear)],
  ['dayOfYear', simple('ordinal', 1, (dt) => dt.daysInYear)],
  ['dayOfMonth', simple('day', 1, (dt) => dt.daysInMonth ?? 31)],
  [
    'dayOfWeek',
    {
      ...simple('weekday', 1, () => 7),
      text: (dt, s) => (s ? WEEKDAYS[dt.weekday - 1].slice(0, 3) : WEEKDAYS[dt.weekday - 1]),
    },
  ],
  ['hourOfDay', simple('hour', 0, () => 23)],
  ['minuteOfHour', simple('minute', 0, () => 59)],
  ['secondOfMinute', simple('second', 0, () => 59)],
  ['millisOfSecond', simple('millisecond', 0, () => 999)],
  [
    'minuteOfDay',
    {
      get: (dt) => dt.hour * 60 + dt.minute,
      min: () => 0,
      max: () => 1439,
      set: (dt, v) => dt.set({ hour: Math.floor(v / 60), minute: v % 60 }),
    },
  ],
  [
    'secondOfDay',
    {
      get: (dt) => Math.floor(msOfDay(dt) / 1000),
      min: () => 0,
      max: () => 86399,
      set: (dt, v) => fromMsOfDay(dt, v * 1000 + dt.millisecond),
    },
  ],
  ['millisOfDay', { get: msOfDay, min: () => 0, max: () => DAY_MS - 1, set: fromMsOfDay }],
]);

/** Sets a field with Joda's range check (IllegalFieldValueException instead of silent rollover). */
export function setField(dt: DateTime, name: string, v: number): DateTime {
  const f = DATE_FIELDS.get(name);
  if (!f) throw new SelError('RUNTIME', `unknown DateTime field ${name}`);
  const lo = f.min(dt);
  const hi = f.max(dt);
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new SelError(
      'RUNTIME',
      `IllegalFieldValueException: Value ${v} for ${name} must be in the range [${lo},${hi}]`,
    );
  }
  const out = f.set(dt, v);
  if (!out.isValid)
    throw new SelError('RUNTIME', `IllegalFieldValueException: ${name}=${v}: ${out.invalidReason}`);
  return out;
}

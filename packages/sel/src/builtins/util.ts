import type { DateTime } from 'luxon';
import type { EvalContext } from '../context';
import { SelError } from '../errors';
import { SelArray, type Value } from '../values';
import { dateAt } from './datetime';
import { formatJoda, parseJoda } from './joda-format';
import { type ClassSpec, argDateTime, argInt, argLongLike, argString, argStrNum, m, table } from './registry';
import { UTC_ZONE, zoneForId } from './zones';

/** Maestro's Util class: dateInt helpers. A dateInt is yyyyMMdd as String, int or long. */

function parseDateInt(v: Value, where: string): DateTime {
  return parseJoda(argStrNum(v, where), 'yyyyMMdd', UTC_ZONE.zone);
}

function printDateInt(dt: DateTime): string {
  return formatJoda(dt.setZone(UTC_ZONE.zone), 'yyyyMMdd', 'UTC');
}

const WORD_UNITS: ReadonlyMap<string, number> = new Map([
  ['week', 604_800_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
  ['millisecond', 1],
]);

/** Joda PeriodFormat.wordBased() in English, converted to a standard duration. */
export function parseWordPeriod(text: string): number {
  const t = text.trim();
  if (t.length === 0 || t.length > 200)
    throw new SelError('RUNTIME', `IllegalArgumentException: Invalid format: "${text.slice(0, 100)}"`);
  let total = 0;
  for (const part of t.split(/\s*,\s*(?:and\s+)?|\s+and\s+/)) {
    const mt = /^(-?\d{1,12})\s+([A-Za-z]+?)s?$/.exec(part.trim());
    const unit = mt ? mt[2].toLowerCase() : '';
    if (mt && (unit === 'year' || unit === 'month')) {
      throw new SelError(
        'RUNTIME',
        `UnsupportedOperationException: cannot convert a period with ${unit}s to a duration`,
      );
    }
    const ms = WORD_UNITS.get(unit);
    if (!mt || ms === undefined)
      throw new SelError('RUNTIME', `IllegalArgumentException: Invalid format: "${text.slice(0, 100)}"`);
    total += Number(mt[1]) * ms;
  }
  return total;
}

function timeoutFor(c: EvalContext, start: DateTime, duration: string): string {
  const deadline = start.toMillis() + parseWordPeriod(duration);
  return `${Math.max(deadline - Math.trunc(c.now()), 0)} milliseconds`;
}

function between(c: EvalContext, from: number, to: number, inc: number): SelArray {
  if (inc === 0)
    throw new SelError('RUNTIME', 'IllegalArgumentException: Invalid incremental interval value: 0');
  const count =
    inc > 0 ? Math.max(0, Math.ceil((to - from) / inc)) : Math.max(0, Math.ceil((from - to) / -inc));
  c.size(count);
  const items: Value[] = new Array(count);
  for (let k = 0; k < count; k++) items[k] = BigInt(from + k * inc);
  return new SelArray('long', items);
}

export const UTIL_CLASSES: ReadonlyMap<string, ClassSpec> = table<ClassSpec>({
  Util: {
    statics: table({
      dateIntToTs: m(1, 1, 'long', (_c, _s, a) => BigInt(parseDateInt(a[0], 'Util.dateIntToTs').toMillis())),
      tsToDateInt: m(1, 1, 'String', (_c, _s, a) =>
        printDateInt(dateAt(argLongLike(a[0], 'Util.tsToDateInt'), UTC_ZONE).dt),
      ),
      incrementDateInt: m(2, 2, 'String', (_c, _s, a) =>
        printDateInt(
          parseDateInt(a[0], 'Util.incrementDateInt').plus({ days: argInt(a[1], 'Util.incrementDateInt') }),
        ),
      ),
      dateIntHourToTs: m(5, 5, 'long', (_c, _s, a) => {
        const zone = zoneForId(argString(a[2], 'Util.dateIntHourToTs timezone'));
        const text =
          argStrNum(a[0], 'Util.dateIntHourToTs dateInt') + argStrNum(a[1], 'Util.dateIntHourToTs hour');
        const dt = parseJoda(text, 'yyyyMMddHH', zone.zone)
          .minus({ days: Number(argLongLike(a[3], 'Util.dateIntHourToTs dayOffset')) })
          .minus({ hours: Number(argLongLike(a[4], 'Util.dateIntHourToTs hourOffset')) });
        return BigInt(dt.toMillis());
      }),
      timeoutForDateTimeDeadline: m(2, 2, 'String', (c, _s, a) =>
        timeoutFor(
          c,
          argDateTime(a[0], 'Util.timeoutForDateTimeDeadline').dt,
          argString(a[1], 'Util.timeoutForDateTimeDeadline'),
        ),
      ),
      timeoutForDateIntDeadline: m(2, 2, 'String', (c, _s, a) =>
        timeoutFor(
          c,
          parseDateInt(a[0], 'Util.timeoutForDateIntDeadline'),
          argString(a[1], 'Util.timeoutForDateIntDeadline'),
        ),
      ),
      dateIntsBetween: m(3, 3, 'long[]', (c, _s, a) => {
        const inc = Number(argLongLike(a[2], 'Util.dateIntsBetween'));
        if (inc === 0)
          throw new SelError('RUNTIME', 'IllegalArgumentException: Invalid incremental interval value: 0');
        const [x, y] = inc > 0 ? [a[0], a[1]] : [a[1], a[0]];
        const d1 = parseDateInt(x, 'Util.dateIntsBetween');
        const d2 = parseDateInt(y, 'Util.dateIntsBetween');
        const days = Math.trunc(d2.diff(d1, 'days').days);
        const step = Math.abs(inc);
        const count = days > 0 ? Math.ceil(days / step) : 0;
        c.size(count);
        const items: Value[] = [];
        for (let i = 0; i < days; i += step) items.push(BigInt(printDateInt(d1.plus({ days: i }))));
        if (inc < 0) items.reverse();
        return new SelArray('long', items);
      }),
      intsBetween: m(3, 3, 'long[]', (c, _s, a) =>
        between(
          c,
          Number(argLongLike(a[0], 'Util.intsBetween')),
          Number(argLongLike(a[1], 'Util.intsBetween')),
          Number(argLongLike(a[2], 'Util.intsBetween')),
        ),
      ),
    }),
    fields: table({}),
  },
});

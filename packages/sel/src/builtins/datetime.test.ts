import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { SelError, evaluate } from '../index';

const NOW = Date.UTC(2024, 2, 10, 12, 0, 0); // 2024-03-10T12:00Z, the day US DST starts
const run = (src: string) => evaluate(src, undefined, { now: () => NOW });

const CASES: [string, unknown][] = [
  ['new DateTime(0L).toString()', '1970-01-01T00:00:00.000Z'],
  [
    "new DateTime(0L).withZone(DateTimeZone.forID('America/Los_Angeles')).toString()",
    '1969-12-31T16:00:00.000-08:00',
  ],
  [
    "new DateTime(0L, DateTimeZone.forID('Asia/Kolkata')).toString('yyyy-MM-dd HH:mm Z')",
    '1970-01-01 05:30 +0530',
  ],
  // DST: 2024-03-10 02:00 PST -> 03:00 PDT in Los Angeles.
  [
    "DateTimeZone z = DateTimeZone.forID('America/Los_Angeles'); DateTime d = new DateTime(2024, 3, 9, 12, 0, z); d.plusDays(1).toString()",
    '2024-03-10T12:00:00.000-07:00',
  ],
  [
    "DateTimeZone z = DateTimeZone.forID('America/Los_Angeles'); DateTime d = new DateTime(2024, 3, 9, 12, 0, z); d.plusHours(24).toString()",
    '2024-03-10T13:00:00.000-07:00',
  ],
  [
    "DateTimeZone z = DateTimeZone.forID('America/Los_Angeles'); z.getOffset(new DateTime(2024, 1, 1, 0, 0, z))",
    -28800000,
  ],
  [
    "DateTimeZone z = DateTimeZone.forID('America/Los_Angeles'); z.getOffset(new DateTime(2024, 7, 1, 0, 0, z))",
    -25200000,
  ],
  ["DateTimeZone.forID('Europe/London').getOffset(1719792000000L)", 3600000],
  ["DateTimeZone.forID('+05:30').getID()", '+05:30'],
  [
    "DateTimeFormat.forPattern('yyyy-MM-dd HH:mm').withZone(DateTimeZone.forID('Europe/Paris')).parseMillis('2024-07-01 10:00')",
    1719820800000n,
  ],
  ["DateTimeFormat.forPattern('yyyyMMdd').parseDateTime(20240229).getDayOfWeek()", 4],
  ["DateTimeFormat.forPattern('dd MMM yyyy').print(0L)", '01 Jan 1970'],
  ["DateTimeFormat.forPattern('EEEE, MMMM d').print(new DateTime(0L))", 'Thursday, January 1'],
  ["DateTimeFormat.forPattern('hh:mm a').print(new DateTime(2024, 1, 1, 15, 5))", '03:05 PM'],
  [
    "DateTimeFormat.forPattern(\"yyyy-MM-dd'T'HH:mm:ssZZ\").parseDateTime('2024-01-01T10:00:00+02:00').getMillis()",
    1704096000000n,
  ],
  ["DateTime.parse('2024-01-02T03:04:05Z').getHourOfDay()", 3],
  ["DateTime.parse('20240102', DateTimeFormat.forPattern('yyyyMMdd')).getDayOfYear()", 2],
  ['new DateTime(2024, 1, 31, 0, 0).plusMonths(1).getDayOfMonth()', 29],
  ['new DateTime(2024, 5, 15, 10, 30).withTimeAtStartOfDay().getMillisOfDay()', 0],
  ['new DateTime(2024, 5, 15, 10, 30).getMinuteOfDay()', 630],
  ['new DateTime(2024, 5, 15, 10, 30).withDayOfWeek(1).getDayOfMonth()', 13],
  ['new DateTime(2024, 5, 15, 10, 30).monthOfYear().getAsText()', 'May'],
  ['new DateTime(2024, 5, 15, 10, 30).dayOfWeek().getAsText()', 'Wednesday'],
  ['new DateTime(2024, 2, 15, 10, 30).dayOfMonth().withMaximumValue().getDayOfMonth()', 29],
  ['new DateTime(2024, 5, 15, 10, 30).monthOfYear().get()', 5],
  ['new DateTime(2024, 12, 30, 0, 0).getWeekyear()', 2025],
  ['new DateTime(2024, 12, 30, 0, 0).getWeekOfWeekyear()', 1],
  ['new DateTime(2024, 1, 1, 0, 0).isBefore(new DateTime(2024, 1, 2, 0, 0))', true],
  ['new DateTime().getMillis()', BigInt(NOW)],
  ['DateTime.now().isEqual(new DateTime(System.currentTimeMillis()))', true],
  [
    "Days.daysBetween(new DateTime(2024, 3, 9, 0, 0, DateTimeZone.forID('America/New_York')), new DateTime(2024, 3, 11, 0, 0, DateTimeZone.forID('America/New_York'))).getDays()",
    2,
  ],
  ['Util.dateIntToTs(20210707)', 1625616000000n],
  ["Util.dateIntToTs('20210707')", 1625616000000n],
  ['Util.tsToDateInt(1625619600000L)', '20210707'],
  ["Util.tsToDateInt('1625619600000')", '20210707'],
  ['Util.incrementDateInt(20200228, 2)', '20200301'],
  ["Util.incrementDateInt('20200301', -1)", '20200229'],
  ['Util.dateIntHourToTs(20210707, 1, "UTC", 1, 2)', 1625619600000n - 86400000n - 7200000n],
  ["Util.dateIntHourToTs('20240310', '03', 'America/Los_Angeles', 0, 0)", 1710064800000n],
  ['Util.dateIntsBetween(20200303, 20200226, -2)', [20200301n, 20200228n, 20200226n]],
  ['Util.intsBetween(1, 10, 3)', [1n, 4n, 7n]],
  ['Util.intsBetween(10, 1, -4)', [10n, 6n, 2n]],
  [
    "Util.timeoutForDateTimeDeadline(new DateTime(System.currentTimeMillis()), '1 hour and 30 minutes')",
    '5400000 milliseconds',
  ],
  ["Util.timeoutForDateTimeDeadline(new DateTime(0L), '2 days')", '0 milliseconds'],
  ["Util.timeoutForDateIntDeadline(20240310, '1 day')", `${Date.UTC(2024, 2, 11) - NOW} milliseconds`],
];

describe('DateTime, zones, formats, Util', () => {
  for (const [src, want] of CASES) test(src.slice(0, 100), () => assert.deepEqual(run(src), want));
  const BAD = [
    "DateTimeZone.forID('Mars/Olympus')",
    "DateTimeFormat.forPattern('yyyyMMdd').parseDateTime('2024-01-01')",
    "DateTimeFormat.forPattern('yyyyMMdd').parseDateTime('20240230')",
    "DateTimeFormat.forPattern('qqq')",
    'new DateTime(2024, 2, 1, 0, 0).withDayOfMonth(30)',
    'new DateTime(2024, 13, 1, 0, 0)',
    "Util.timeoutForDateIntDeadline(20240310, '1 month')",
    'Util.dateIntsBetween(20200101, 20200105, 0)',
    'new DateTime(9000000000000000L)',
  ];
  for (const src of BAD) {
    test(`rejects ${src}`, () =>
      assert.throws(
        () => run(src),
        (e: unknown) => e instanceof SelError && e.code === 'RUNTIME',
      ));
  }
});

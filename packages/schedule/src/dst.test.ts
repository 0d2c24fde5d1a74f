import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compileSchedule } from './compile-schedule';
import { fireTimesBetween, nextFireTimes } from './fire-times';
import type { Schedule } from './schedule';

// README "Daylight saving", checked on Los Angeles' two changes of 2024: clocks jump from 02:00
// PST to 03:00 PDT on 10 March and fall back from 02:00 PDT to 01:00 PST on 3 November.
const LA = 'America/Los_Angeles';
const HOUR = 3_600_000;
const at = (isoWithOffset: string) => Date.parse(isoWithOffset);
const iso = (ms: number) => new Date(ms).toISOString();

function cron(expr: string, timezone = LA): Schedule {
  const r = compileSchedule({ type: 'CRON', cron: expr, timezone });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.schedule;
}

/** Fires within one local day: (midnight, next midnight] shifted to [midnight, next midnight). */
function firesOnLocalDay(expr: string, midnight: string, nextMidnight: string): number[] {
  const r = fireTimesBetween(cron(expr), at(midnight) - 1, at(nextMidnight) - 1, 1000);
  assert.equal(r.truncated, false);
  return r.times;
}

describe('an hourly cron fires once per absolute hour', () => {
  const days = [
    { day: 'spring forward', from: '2024-03-10T00:00:00-08:00', to: '2024-03-11T00:00:00-07:00', fires: 23 },
    { day: 'fall back', from: '2024-11-03T00:00:00-07:00', to: '2024-11-04T00:00:00-08:00', fires: 25 },
    { day: 'an ordinary day', from: '2024-06-01T00:00:00-07:00', to: '2024-06-02T00:00:00-07:00', fires: 24 },
  ];
  for (const { day, from, to, fires } of days) {
    for (const expr of ['0 * * * *', '0 0 * * * ?']) {
      test(`${day}: '${expr}' fires ${fires} times, 1 h apart, starting at local midnight`, () => {
        const times = firesOnLocalDay(expr, from, to);
        assert.equal(times.length, fires);
        assert.equal(times[0], at(from));
        for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, HOUR, iso(times[i]!));
      });
    }
  }

  test('fall back: 01:00 PDT and 01:00 PST both fire, an hour apart', () => {
    const times = firesOnLocalDay('0 * * * *', '2024-11-03T00:00:00-07:00', '2024-11-04T00:00:00-08:00');
    assert.deepEqual(times.slice(0, 4).map(iso), [
      '2024-11-03T07:00:00.000Z', // 00:00 PDT
      '2024-11-03T08:00:00.000Z', // 01:00 PDT
      '2024-11-03T09:00:00.000Z', // 01:00 PST
      '2024-11-03T10:00:00.000Z', // 02:00 PST
    ]);
  });

  test('spring forward: 01:00 PST is followed by 03:00 PDT, one hour later', () => {
    const times = firesOnLocalDay('0 * * * *', '2024-03-10T00:00:00-08:00', '2024-03-11T00:00:00-07:00');
    assert.deepEqual(times.slice(1, 3).map(iso), ['2024-03-10T09:00:00.000Z', '2024-03-10T10:00:00.000Z']);
  });
});

describe('fixed local times: the first occurrence, or moved forward out of a gap', () => {
  const cases: { what: string; cron: string; after: string; expect: string[] }[] = [
    {
      what: '02:30 does not exist on 10 March: it fires at 03:30 PDT',
      cron: '30 2 * * *',
      after: '2024-03-09T00:00:00-08:00',
      expect: ['2024-03-09T02:30:00-08:00', '2024-03-10T03:30:00-07:00', '2024-03-11T02:30:00-07:00'],
    },
    {
      what: 'the same in the Quartz form',
      cron: '0 30 2 ? * *',
      after: '2024-03-09T00:00:00-08:00',
      expect: ['2024-03-09T02:30:00-08:00', '2024-03-10T03:30:00-07:00', '2024-03-11T02:30:00-07:00'],
    },
    {
      what: '01:30 occurs twice on 3 November: it fires once, at 01:30 PDT',
      cron: '30 1 * * *',
      after: '2024-11-02T00:00:00-07:00',
      expect: ['2024-11-02T01:30:00-07:00', '2024-11-03T01:30:00-07:00', '2024-11-04T01:30:00-08:00'],
    },
    {
      what: 'a list of fixed times in the gap lands on the times after it, each once',
      cron: '0,30 2,3 * * *',
      after: '2024-03-10T00:00:00-08:00',
      expect: ['2024-03-10T03:00:00-07:00', '2024-03-10T03:30:00-07:00', '2024-03-11T02:00:00-07:00'],
    },
    {
      what: 'asked after the jump but before 03:30 PDT, the moved fire is still ahead',
      cron: '30 2 * * *',
      after: '2024-03-10T03:10:00-07:00',
      expect: ['2024-03-10T03:30:00-07:00', '2024-03-11T02:30:00-07:00'],
    },
    {
      what: 'asked after 01:30 PDT, 01:30 PST does not fire again',
      cron: '30 1 * * *',
      after: '2024-11-03T01:40:00-07:00',
      expect: ['2024-11-04T01:30:00-08:00'],
    },
    {
      what: '@daily-style midnight is untouched by either change',
      cron: '0 0 * * *',
      after: '2024-03-09T12:00:00-08:00',
      expect: ['2024-03-10T00:00:00-08:00', '2024-03-11T00:00:00-07:00'],
    },
  ];
  for (const c of cases) {
    test(`${c.what} ('${c.cron}')`, () => {
      const got = nextFireTimes(cron(c.cron), at(c.after), c.expect.length);
      assert.deepEqual(
        got.map(iso),
        c.expect.map((e) => iso(at(e))),
      );
    });
  }
});

describe('wildcard times follow the real clock', () => {
  const cases: { what: string; cron: string; from: string; to: string; expect: string[] }[] = [
    {
      what: 'times inside the gap are skipped',
      cron: '*/20 2 * * *',
      from: '2024-03-10T00:00:00-08:00',
      to: '2024-03-11T00:00:00-07:00',
      expect: [],
    },
    {
      what: 'times in the repeated hour fire on both passes',
      cron: '*/30 1 * * *',
      from: '2024-11-03T00:00:00-07:00',
      to: '2024-11-04T00:00:00-08:00',
      expect: [
        '2024-11-03T01:00:00-07:00',
        '2024-11-03T01:30:00-07:00',
        '2024-11-03T01:00:00-08:00',
        '2024-11-03T01:30:00-08:00',
      ],
    },
    {
      what: 'asked inside the first pass of the repeated hour, the second pass still fires',
      cron: '0 * * * *',
      from: '2024-11-03T01:10:00-07:00',
      to: '2024-11-03T02:00:00-08:00',
      expect: ['2024-11-03T01:00:00-08:00', '2024-11-03T02:00:00-08:00'],
    },
  ];
  for (const c of cases) {
    test(`${c.what} ('${c.cron}')`, () => {
      const r = fireTimesBetween(cron(c.cron), at(c.from), at(c.to), 100);
      assert.deepEqual(
        r.times.map(iso),
        c.expect.map((e) => iso(at(e))),
      );
    });
  }
});

test('a zone without daylight saving is plain arithmetic', () => {
  const times = nextFireTimes(cron('30 2 * * *', 'Asia/Tokyo'), at('2024-03-09T00:00:00+09:00'), 3);
  assert.deepEqual(times.map(iso), [
    '2024-03-08T17:30:00.000Z',
    '2024-03-09T17:30:00.000Z',
    '2024-03-10T17:30:00.000Z',
  ]);
});

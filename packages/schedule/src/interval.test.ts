import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compileSchedule } from './compile-schedule';
import { fireTimesBetween, nextFireTimes } from './fire-times';
import type { Schedule } from './schedule';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function interval(text: string, start?: string): Schedule {
  const r = compileSchedule({ type: 'INTERVAL', interval: text, ...(start !== undefined ? { start } : {}) });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.schedule;
}

describe('INTERVAL fires at start + k * interval', () => {
  const cases: { what: string; interval: string; start?: string; after: string; expect: string[] }[] = [
    {
      what: 'without a start, from the epoch: every hour on the hour UTC',
      interval: '1h',
      after: '2024-05-05T10:20:00Z',
      expect: ['2024-05-05T11:00:00Z', '2024-05-05T12:00:00Z'],
    },
    {
      what: 'an instant on the grid is not "after" itself',
      interval: '1h',
      after: '2024-05-05T10:00:00Z',
      expect: ['2024-05-05T11:00:00Z'],
    },
    {
      what: 'before the start, the start is the first fire',
      interval: '90 minutes',
      start: '2024-01-01T00:10:00Z',
      after: '2023-12-01T00:00:00Z',
      expect: ['2024-01-01T00:10:00Z', '2024-01-01T01:40:00Z', '2024-01-01T03:10:00Z'],
    },
    {
      what: 'after the start, on its grid',
      interval: '90 minutes',
      start: '2024-01-01T00:10:00Z',
      after: '2024-01-01T02:00:00Z',
      expect: ['2024-01-01T03:10:00Z', '2024-01-01T04:40:00Z'],
    },
    {
      what: 'a start with an offset',
      interval: '1d',
      start: '2024-01-01T09:00:00+09:00',
      after: '2024-01-01T00:00:00Z',
      expect: ['2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z'],
    },
    {
      what: "Maestro's start format",
      interval: '2h',
      start: '01-01-2024 00:00:00.000UTC',
      after: '2024-01-01T01:00:00Z',
      expect: ['2024-01-01T02:00:00Z', '2024-01-01T04:00:00Z'],
    },
  ];
  for (const c of cases) {
    test(c.what, () => {
      const got = nextFireTimes(interval(c.interval, c.start), at(c.after), c.expect.length);
      assert.deepEqual(
        got.map(iso),
        c.expect.map((e) => iso(at(e))),
      );
    });
  }

  test('absolute time: hourly across the Los Angeles spring-forward and fall-back days', () => {
    for (const [from, to, fires] of [
      ['2024-03-10T00:00:00-08:00', '2024-03-11T00:00:00-07:00', 23],
      ['2024-11-03T00:00:00-07:00', '2024-11-04T00:00:00-08:00', 25],
    ] as const) {
      const r = fireTimesBetween(interval('1h'), at(from) - 1, at(to) - 1, 100);
      assert.equal(r.times.length, fires);
      for (let i = 1; i < r.times.length; i++) assert.equal(r.times[i]! - r.times[i - 1]!, HOUR);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compileSchedule } from './compile-schedule';
import { MAX_FIRES_PER_CALL, fireTimesBetween, nextFireTimes } from './fire-times';
import type { Schedule, TimeTriggerInput } from './schedule';

const NOW = Date.parse('2024-01-01T00:00:00Z');
const YEAR = 366 * 86_400_000;

function compile(t: TimeTriggerInput): Schedule {
  const r = compileSchedule(t);
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.schedule;
}

describe('schedules that never fire end the search', () => {
  const never: { what: string; cron: string; timezone?: string }[] = [
    { what: '30 February', cron: '0 0 30 2 *' },
    { what: '31 April in Los Angeles', cron: '0 0 31 4 *', timezone: 'America/Los_Angeles' },
    { what: 'Quartz 30 February, any year', cron: '0 0 0 30 2 ? *' },
    { what: 'a year in the past', cron: '0 0 12 1 1 ? 2020' },
    { what: 'fixed time in a zone, 30 February', cron: '0 30 2 30 2 ?', timezone: 'Europe/London' },
  ];
  for (const { what, cron, timezone } of never) {
    test(`${what}: '${cron}'`, () => {
      const s = compile({ type: 'CRON', cron, ...(timezone ? { timezone } : {}) });
      const started = Date.now();
      assert.deepEqual(nextFireTimes(s, NOW, 5), []);
      assert.deepEqual(fireTimesBetween(s, NOW, NOW + 100 * YEAR, 10), { times: [], truncated: false });
      assert.ok(Date.now() - started < 2_000, 'bounded search');
    });
  }

  test('a year field returns what it has, then stops', () => {
    const s = compile({ type: 'CRON', cron: '0 0 12 1 1 ? 2025' });
    assert.deepEqual(nextFireTimes(s, NOW, 3), [Date.parse('2025-01-01T12:00:00Z')]);
  });
});

describe('caps', () => {
  const everySecond = () => compile({ type: 'CRON', cron: '* * * * * ?' });

  test('fireTimesBetween keeps the earliest `cap` and says more existed', () => {
    const r = fireTimesBetween(everySecond(), NOW, NOW + 3_600_000, 3);
    assert.deepEqual(r, { times: [NOW + 1000, NOW + 2000, NOW + 3000], truncated: true });
  });

  test('exactly `cap` fires is not truncated', () => {
    const r = fireTimesBetween(everySecond(), NOW, NOW + 3000, 3);
    assert.deepEqual(r, { times: [NOW + 1000, NOW + 2000, NOW + 3000], truncated: false });
  });

  test('the bounds: from is exclusive, to is inclusive', () => {
    const hourly = compile({ type: 'CRON', cron: '0 * * * *' });
    const r = fireTimesBetween(hourly, NOW, NOW + 2 * 3_600_000, 10);
    assert.deepEqual(r.times, [NOW + 3_600_000, NOW + 2 * 3_600_000]);
  });

  const degenerate: [string, number, number, number][] = [
    ['an empty range', NOW, NOW, 10],
    ['a reversed range', NOW, NOW - 1000, 10],
    ['a NaN start', Number.NaN, NOW, 10],
  ];
  for (const [what, from, to, cap] of degenerate) {
    test(`${what} has no fires`, () => {
      assert.deepEqual(fireTimesBetween(everySecond(), from, to, cap), { times: [], truncated: false });
    });
  }

  test('cap 0 returns nothing but still says whether fires existed', () => {
    assert.deepEqual(fireTimesBetween(everySecond(), NOW, NOW + 5000, 0), { times: [], truncated: true });
  });

  test('count 0, a negative count and a NaN instant give nothing', () => {
    assert.deepEqual(nextFireTimes(everySecond(), NOW, 0), []);
    assert.deepEqual(nextFireTimes(everySecond(), NOW, -3), []);
    assert.deepEqual(nextFireTimes(everySecond(), Number.NaN, 3), []);
  });

  test(`one call returns at most ${MAX_FIRES_PER_CALL} fires`, () => {
    const interval = compile({ type: 'INTERVAL', interval: '60s' });
    assert.equal(nextFireTimes(interval, NOW, MAX_FIRES_PER_CALL * 2).length, MAX_FIRES_PER_CALL);
    const r = fireTimesBetween(interval, NOW, NOW + 10 * YEAR, Number.POSITIVE_INFINITY);
    assert.equal(r.times.length, MAX_FIRES_PER_CALL);
    assert.equal(r.truncated, true);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compileSchedule, fireTimesBetween, nextFireTimes } from '@baton/schedule';
import { memoized } from './time-plans';

/** A small deterministic generator (the cases must be the same on every run). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const schedules = {
  'every minute, UTC': { type: 'CRON' as const, cron: '* * * * *' },
  'hourly, Los Angeles (both DST days)': {
    type: 'CRON' as const,
    cron: '0 * * * *',
    timezone: 'America/Los_Angeles',
  },
  'daily 02:30, Los Angeles (a gap)': {
    type: 'CRON' as const,
    cron: '30 2 * * *',
    timezone: 'America/Los_Angeles',
  },
  'ends: 2024 only, monthly (Quartz, year field)': { type: 'CRON' as const, cron: '0 0 0 1 * ? 2024' },
  'every 6 hours from a start': {
    type: 'INTERVAL' as const,
    interval: '6 hours',
    start: '2024-03-01T00:00:00Z',
  },
};

// The memo only keeps what the library answered: any sequence of questions, the way the planner
// asks them (mostly forward, sometimes back, sometimes far), gets the library's own answers.
describe('a time plan answers as its schedule does, memo or not', () => {
  for (const [name, trigger] of Object.entries(schedules)) {
    test(name, () => {
      const compiled = compileSchedule(trigger);
      assert.ok(compiled.ok);
      const s = compiled.schedule;
      const plan = memoized(s);
      const rand = rng(name.length);
      let t = Date.UTC(2024, 2, 9, 20);
      for (let i = 0; i < 400; i++) {
        const r = rand();
        // Forward a minute or so (a decision a minute), now and then back or a week ahead.
        t +=
          r < 0.8 ? Math.floor(rand() * 90_000) : r < 0.9 ? -Math.floor(rand() * 3_600_000) : 7 * 86_400_000;
        const from = t - Math.floor(rand() * 7_200_000);
        const cap = 1 + Math.floor(rand() * 5);
        assert.deepEqual(plan.between(from, t, cap), fireTimesBetween(s, from, t, cap), `between #${i}`);
        const count = 1 + Math.floor(rand() * 10);
        assert.deepEqual(plan.next(t, count), nextFireTimes(s, t, count), `next #${i}`);
      }
    });
  }
});

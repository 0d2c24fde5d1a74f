import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compileSchedule } from './compile-schedule';
import { nextFireTimes, scheduleTimezone } from './fire-times';
import type { TimeTriggerInput } from './schedule';

// 2024-01-01 is a Monday. Fire times are strictly after `after`.
const NEW_YEAR = '2024-01-01T00:00:00Z';

interface Case {
  what: string;
  trigger: TimeTriggerInput;
  after?: string;
  expect: string[];
  count?: number;
}

const cron = (expr: string, timezone?: string): TimeTriggerInput => ({
  type: 'CRON',
  cron: expr,
  ...(timezone ? { timezone } : {}),
});
const predefined = (expression: string, timezone?: string): TimeTriggerInput => ({
  type: 'PREDEFINED',
  expression,
  ...(timezone ? { timezone } : {}),
});

const cases: Case[] = [
  {
    what: 'Unix: steps, ranges and day names',
    trigger: cron('*/15 9-17 * * MON-FRI'),
    expect: ['2024-01-01T09:00:00Z', '2024-01-01T09:15:00Z', '2024-01-01T09:30:00Z'],
  },
  {
    what: 'Unix: 7 is Sunday too',
    trigger: cron('0 0 * * 7'),
    expect: ['2024-01-07T00:00:00Z', '2024-01-14T00:00:00Z'],
  },
  {
    what: 'names in any case',
    trigger: cron('0 0 * jan mon'),
    expect: ['2024-01-08T00:00:00Z', '2024-01-15T00:00:00Z'],
  },
  {
    what: 'Unix: day-of-month OR day-of-week when both are set (Vixie)',
    trigger: cron('0 0 13 * FRI'),
    expect: ['2024-01-05T00:00:00Z', '2024-01-12T00:00:00Z', '2024-01-13T00:00:00Z', '2024-01-19T00:00:00Z'],
  },
  {
    what: 'Quartz: seconds first',
    trigger: cron('*/20 * * * * ?'),
    expect: ['2024-01-01T00:00:20Z', '2024-01-01T00:00:40Z', '2024-01-01T00:01:00Z'],
  },
  {
    what: 'Quartz: "0/15" steps from 0',
    trigger: cron('0 0/15 14 * * ?'),
    expect: ['2024-01-01T14:00:00Z', '2024-01-01T14:15:00Z'],
  },
  { what: 'Quartz: 1 is Sunday', trigger: cron('0 0 9 ? * 1'), expect: ['2024-01-07T09:00:00Z'] },
  {
    what: 'Quartz: a day-of-week step counts from Monday = 2',
    trigger: cron('0 0 9 ? * 2/2'),
    expect: ['2024-01-01T09:00:00Z', '2024-01-03T09:00:00Z', '2024-01-05T09:00:00Z', '2024-01-08T09:00:00Z'],
  },
  {
    what: 'Quartz: 6L is the last Friday',
    trigger: cron('0 15 10 ? * 6L'),
    expect: ['2024-01-26T10:15:00Z', '2024-02-23T10:15:00Z', '2024-03-29T10:15:00Z'],
  },
  { what: 'Quartz: FRIL too', trigger: cron('0 15 10 ? * FRIL'), expect: ['2024-01-26T10:15:00Z'] },
  {
    what: 'Quartz: MON#1 is the first Monday',
    trigger: cron('0 0 12 ? * MON#1'),
    expect: ['2024-01-01T12:00:00Z', '2024-02-05T12:00:00Z', '2024-03-04T12:00:00Z'],
  },
  {
    what: 'Quartz: 2#1 is the first Monday',
    trigger: cron('0 0 12 ? * 2#1'),
    expect: ['2024-01-01T12:00:00Z', '2024-02-05T12:00:00Z'],
  },
  {
    what: 'Quartz: 15W, Saturday 15 June → Friday 14th',
    trigger: cron('0 0 12 15W * ?'),
    after: '2024-06-01T00:00:00Z',
    expect: ['2024-06-14T12:00:00Z', '2024-07-15T12:00:00Z'],
  },
  {
    what: 'Quartz: 15W, Sunday 15 September → Monday 16th',
    trigger: cron('0 0 12 15W * ?'),
    after: '2024-09-01T00:00:00Z',
    expect: ['2024-09-16T12:00:00Z'],
  },
  {
    what: 'Quartz: L is the last day of the month',
    trigger: cron('0 0 12 L * ?'),
    expect: ['2024-01-31T12:00:00Z', '2024-02-29T12:00:00Z', '2024-03-31T12:00:00Z'],
  },
  {
    what: 'Quartz: LW is the last weekday',
    trigger: cron('0 0 12 LW * ?'),
    expect: ['2024-01-31T12:00:00Z', '2024-02-29T12:00:00Z', '2024-03-29T12:00:00Z'],
  },
  {
    what: 'Quartz: a year field, then nothing',
    trigger: cron('0 0 12 1 JAN,MAR ? 2025-2026'),
    count: 5,
    expect: ['2025-01-01T12:00:00Z', '2025-03-01T12:00:00Z', '2026-01-01T12:00:00Z', '2026-03-01T12:00:00Z'],
  },
  {
    what: 'Quartz: the form Maestro documents',
    trigger: cron('0 0 12 1/1 * ? *'),
    expect: ['2024-01-01T12:00:00Z', '2024-01-02T12:00:00Z'],
  },
  {
    what: 'a zone: 09:00 in Berlin',
    trigger: cron('0 9 * * *', 'Europe/Berlin'),
    expect: ['2024-01-01T08:00:00Z'],
  },
  {
    what: 'a zone alias: US/Pacific',
    trigger: cron('0 9 * * *', 'US/Pacific'),
    expect: ['2024-01-01T17:00:00Z'],
  },
  { what: 'a nickname in the cron field', trigger: cron('@weekly'), expect: ['2024-01-07T00:00:00Z'] },
  {
    what: '@hourly',
    trigger: predefined('@hourly'),
    expect: ['2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z'],
  },
  { what: '@daily', trigger: predefined('@daily'), expect: ['2024-01-02T00:00:00Z'] },
  { what: '@weekly is Sunday midnight', trigger: predefined('@weekly'), expect: ['2024-01-07T00:00:00Z'] },
  {
    what: '@monthly',
    trigger: predefined('@monthly'),
    expect: ['2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'],
  },
  { what: '@yearly', trigger: predefined('@yearly'), expect: ['2025-01-01T00:00:00Z'] },
  { what: 'a name without @, any case', trigger: predefined('DAILY'), expect: ['2024-01-02T00:00:00Z'] },
  { what: '@daily in Tokyo', trigger: predefined('@daily', 'Asia/Tokyo'), expect: ['2024-01-01T15:00:00Z'] },
];

describe('cron dialects', () => {
  for (const c of cases) {
    const label = c.trigger.cron ?? c.trigger.expression;
    test(`${c.what}: '${label}'`, () => {
      const r = compileSchedule(c.trigger);
      assert.ok(r.ok, r.ok ? '' : r.message);
      const got = nextFireTimes(r.schedule, Date.parse(c.after ?? NEW_YEAR), c.count ?? c.expect.length);
      assert.deepEqual(
        got.map((t) => new Date(t).toISOString()),
        c.expect.map((e) => new Date(e).toISOString()),
      );
    });
  }
});

describe('scheduleTimezone', () => {
  const zones: [TimeTriggerInput, string][] = [
    [cron('0 * * * *'), 'UTC'],
    [cron('0 * * * *', 'US/Pacific'), 'US/Pacific'],
    [predefined('@daily', 'Asia/Tokyo'), 'Asia/Tokyo'],
    [{ type: 'INTERVAL', interval: '1h' }, 'UTC'],
  ];
  for (const [trigger, zone] of zones) {
    test(`${JSON.stringify(trigger)} → ${zone}`, () => {
      const r = compileSchedule(trigger);
      assert.ok(r.ok);
      assert.equal(scheduleTimezone(r.schedule), zone);
    });
  }
});

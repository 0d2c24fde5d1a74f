import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compileSchedule } from './compile-schedule';
import type { CompileField, TimeTriggerInput } from './schedule';

const cron = (expr: string, timezone?: string): TimeTriggerInput => ({
  type: 'CRON',
  cron: expr,
  ...(timezone ? { timezone } : {}),
});

// Each message is what the user who wrote the definition reads; `says` is a part of it.
const rejected: { trigger: TimeTriggerInput; field: CompileField; says: string }[] = [
  { trigger: cron('every day'), field: 'cron', says: 'not a cron expression: expected 5 fields' },
  { trigger: cron('* * * *'), field: 'cron', says: 'got 4' },
  { trigger: cron('0 0 0 * * ? 2024 1'), field: 'cron', says: 'got 8' },
  { trigger: cron(''), field: 'cron', says: "needs a 'cron' expression" },
  { trigger: { type: 'CRON' }, field: 'cron', says: "needs a 'cron' expression" },
  { trigger: cron('61 * * * *'), field: 'cron', says: 'minute: 61 is out of range 0-59' },
  { trigger: cron('0 24 * * *'), field: 'cron', says: 'hour: 24 is out of range 0-23' },
  { trigger: cron('60 0 0 * * ?'), field: 'cron', says: 'second: 60 is out of range 0-59' },
  { trigger: cron('0 0 32 * *'), field: 'cron', says: 'day-of-month: 32 is out of range 1-31' },
  { trigger: cron('0 0 0 * *'), field: 'cron', says: 'day-of-month: 0 is out of range 1-31' },
  { trigger: cron('0 0 * 13 *'), field: 'cron', says: 'month: 13 is out of range 1-12' },
  { trigger: cron('0 0 * * 8'), field: 'cron', says: 'day-of-week: 8 is out of range 0-7' },
  {
    trigger: cron('0 0 12 ? * 0'),
    field: 'cron',
    says: 'day-of-week: 0 is out of range 1-7 (the Quartz form counts SUN=1',
  },
  { trigger: cron('0 0 12 ? * * 1969'), field: 'cron', says: 'year: 1969 is out of range 1970-2199' },
  { trigger: cron('0 0 * JANUARY *'), field: 'cron', says: "month: unknown name 'JANUARY'; use JAN-DEC" },
  { trigger: cron('0 0 * * FUNDAY'), field: 'cron', says: "day-of-week: unknown name 'FUNDAY'; use SUN-SAT" },
  { trigger: cron('x * * * *'), field: 'cron', says: "minute: 'X' is not a number" },
  { trigger: cron('5-1 * * * *'), field: 'cron', says: "minute: range '5-1' runs backwards" },
  { trigger: cron('*/0 * * * *'), field: 'cron', says: 'step 0 must be between 1 and 60' },
  { trigger: cron('/5 * * * *'), field: 'cron', says: "a step needs a start, as in '*/5'" },
  { trigger: cron('1,,2 * * * *'), field: 'cron', says: 'empty list item' },
  {
    trigger: cron('? * * * *'),
    field: 'cron',
    says: "minute: '?' is only allowed in day-of-month and day-of-week",
  },
  { trigger: cron('0 0 L-3 * ?'), field: 'cron', says: 'is not supported' },
  { trigger: cron('0 0 1-5W * *'), field: 'cron', says: 'nW (nearest weekday) stand alone' },
  { trigger: cron('0 0 * * 1#6'), field: 'cron', says: "the week after '#' must be 1 to 5" },
  { trigger: cron('0 0 * * 5#'), field: 'cron', says: "the week after '#' must be 1 to 5" },
  { trigger: cron('0 0 * 3L *'), field: 'cron', says: 'month: ' },
  {
    trigger: cron('0 0 12 15 * MON'),
    field: 'cron',
    says: "both set; in the Quartz form put '?' in one of them",
  },
  { trigger: cron('@fortnightly'), field: 'cron', says: 'known names are @hourly' },
  { trigger: cron('0 * * * *', 'Mars/Olympus'), field: 'timezone', says: "unknown time zone 'Mars/Olympus'" },
  {
    trigger: { type: 'CRON', cron: '0 * * * *', timezone: '' },
    field: 'timezone',
    says: "unknown time zone ''",
  },
  {
    trigger: { type: 'PREDEFINED', expression: '@fortnightly' },
    field: 'expression',
    says: 'unknown schedule',
  },
  { trigger: { type: 'PREDEFINED' }, field: 'expression', says: 'expected one of @hourly, @daily' },
  {
    trigger: { type: 'PREDEFINED', expression: '@daily', timezone: 'Nowhere/City' },
    field: 'timezone',
    says: 'unknown time zone',
  },
  { trigger: { type: 'INTERVAL' }, field: 'interval', says: 'at least 60 seconds' },
  {
    trigger: { type: 'INTERVAL', interval: '59s' },
    field: 'interval',
    says: 'at least 60 seconds, such as "90 minutes" or "1h"; got \'59s\'',
  },
  { trigger: { type: 'INTERVAL', interval: 'soon' }, field: 'interval', says: "got 'soon'" },
  {
    trigger: { type: 'INTERVAL', interval: '1h', start: 'yesterday' },
    field: 'start',
    says: "'yesterday' is not a start time",
  },
  {
    trigger: { type: 'INTERVAL', interval: '1h', start: '2024-01-01T00:00:00' },
    field: 'start',
    says: 'with an offset',
  },
];

describe('compileSchedule rejects', () => {
  for (const { trigger, field, says } of rejected) {
    test(`${JSON.stringify(trigger)} at '${field}'`, () => {
      const r = compileSchedule(trigger);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.field, field, r.message);
      assert.ok(r.message.includes(says), `'${r.message}' lacks '${says}'`);
    });
  }
});

const accepted: TimeTriggerInput[] = [
  cron('0 0 * * *'),
  cron('  0   0 *  * *  '),
  cron('0 0 * * ?'),
  cron('0 0 12 * * *'),
  cron('0 0 12 * * ? *'),
  cron('0 0 12 ? * SUN-SAT 2030'),
  cron('0 0 12 ? * */2'),
  cron('0 0 12 1,L * ?'),
  cron('0 0 * * 0-7'),
  cron('0 0 * JAN-MAR/2 *'),
  cron('0 0 12 ? * MON#5'),
  cron('@hourly', 'US/Pacific'),
  { type: 'PREDEFINED', expression: '@yearly', timezone: 'Australia/Lord_Howe' },
  { type: 'INTERVAL', interval: '60' },
  { type: 'INTERVAL', interval: '1d 3h', start: '2024-01-01T00:00:00+05:30' },
  { type: 'INTERVAL', interval: '2h', start: '01-01-2024 00:00:00.000UTC' },
];

describe('compileSchedule accepts', () => {
  for (const trigger of accepted) {
    test(JSON.stringify(trigger), () => {
      const r = compileSchedule(trigger);
      assert.ok(r.ok, r.ok ? '' : r.message);
    });
  }

  test('keeps the fuzzy delay for the caller, and reads an unlisted zone as UTC', () => {
    const r = compileSchedule({ type: 'CRON', cron: '0 * * * *', fuzzyMaxDelayMs: 30_000 });
    assert.ok(r.ok);
    assert.equal(r.schedule.fuzzyMaxDelayMs, 30_000);
    assert.equal(r.schedule.kind === 'cron' && r.schedule.timezone, 'UTC');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { invalid, noop, pushText, valid } from '../test/test-support';

const withTriggers = (...triggers: unknown[]) => pushText([noop('a')], { time_triggers: triggers });
const at = (field: string) => `workflow.time_triggers[0].${field}`;

describe('time triggers are checked by @baton/schedule at push time', () => {
  const rejected: { what: string; trigger: unknown; field: string; says: string }[] = [
    {
      what: 'a minute out of range',
      trigger: { type: 'CRON', cron: '61 * * * *' },
      field: 'cron',
      says: "'61 * * * *' is not a cron expression: minute: 61 is out of range 0-59",
    },
    {
      what: 'an unknown month name',
      trigger: { type: 'CRON', cron: '0 0 1 JANUARY *', timezone: 'UTC' },
      field: 'cron',
      says: "month: unknown name 'JANUARY'",
    },
    {
      what: 'Quartz: both day fields set',
      trigger: { type: 'CRON', cron: '0 0 12 15 * MON' },
      field: 'cron',
      says: "put '?' in one of them",
    },
    {
      what: 'an unknown time zone',
      trigger: { type: 'PREDEFINED', expression: '@daily', timezone: 'Europe/Atlantis' },
      field: 'timezone',
      says: "unknown time zone 'Europe/Atlantis'",
    },
    {
      what: 'an unknown schedule name',
      trigger: { type: 'PREDEFINED', expression: '@fortnightly' },
      field: 'expression',
      says: "unknown schedule '@fortnightly'",
    },
    {
      what: 'an interval under a minute',
      trigger: { type: 'INTERVAL', interval: '30s' },
      field: 'interval',
      says: 'at least 60 seconds',
    },
    {
      what: 'an interval start without an offset',
      trigger: { type: 'INTERVAL', interval: '1h', start: '2024-01-01T00:00:00' },
      field: 'start',
      says: "'2024-01-01T00:00:00' is not a start time",
    },
    {
      what: 'an interval start that is not a date',
      trigger: { type: 'INTERVAL', interval: '1h', start: 'tomorrow' },
      field: 'start',
      says: 'ISO-8601',
    },
  ];
  for (const { what, trigger, field, says } of rejected) {
    test(`${what} is reported at .${field}`, () => {
      const violations = invalid(withTriggers(trigger));
      assert.equal(violations.length, 1, JSON.stringify(violations));
      assert.equal(violations[0]!.field, at(field));
      assert.ok(violations[0]!.description.includes(says), violations[0]!.description);
    });
  }

  test('a bad zone does not hide a bad cron', () => {
    const violations = invalid(withTriggers({ type: 'CRON', cron: '0 25 * * *', timezone: 'Nowhere' }));
    assert.deepEqual(violations.map((v) => v.field).sort(), [at('cron'), at('timezone')]);
  });

  test('each trigger is reported at its own index', () => {
    const violations = invalid(
      withTriggers({ type: 'CRON', cron: '0 * * * *' }, { type: 'INTERVAL', interval: '1h', start: 'x' }),
    );
    assert.deepEqual(
      violations.map((v) => v.field),
      ['workflow.time_triggers[1].start'],
    );
  });

  test('the dialects and forms the schedule package accepts pass', () => {
    const wf = valid(
      withTriggers(
        { type: 'CRON', cron: '0 15 10 ? * 6L 2030', timezone: 'US/Pacific' },
        { type: 'CRON', cron: '*/5 9-17 * * MON-FRI' },
        { type: 'PREDEFINED', expression: 'Hourly' },
        { type: 'INTERVAL', interval: '2h', start: '2024-01-01T00:00:00+01:00' },
        { type: 'INTERVAL', interval: '90 minutes', start: '01-01-2024 00:00:00.000UTC' },
      ),
    ).workflow;
    assert.deepEqual(
      wf.timeTriggers?.map((t) => t.type),
      ['CRON', 'CRON', 'PREDEFINED', 'INTERVAL', 'INTERVAL'],
    );
    assert.equal(wf.timeTriggers?.[2]?.type === 'PREDEFINED' && wf.timeTriggers[2].expression, '@hourly');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { alertingOf, tctDeadline } from './alerting';
import { invalid, noop, pushText, valid } from '../test/test-support';

const withAlerting = (alerting: unknown) => pushText([noop('a')], {}, { properties: { alerting } });

describe('properties.alerting', () => {
  test('webhooks, tct and long_running are read; Maestro fields are kept as written', () => {
    const alerting = {
      webhooks: ['https://h.example.com/a', { url: 'http://127.0.0.1:9/b' }],
      tct: { completed_by_hour: 7, tz: 'Europe/Paris' },
      long_running: { duration_minutes: 90 },
      emails: ['a@example.com'],
      type_configs: { STEP_FAILURE: { disabled: false } },
    };
    const req = valid(withAlerting(alerting));
    assert.deepEqual(req.properties?.alerting, alerting);
    assert.deepEqual(alertingOf({ alerting }), {
      webhooks: ['https://h.example.com/a', 'http://127.0.0.1:9/b'],
      tct: { kind: 'hour', hour: 7, tz: 'Europe/Paris' },
      longRunningMs: 90 * 60_000,
    });
  });

  test('alerting_disabled, or nothing Baton delivers, is no config', () => {
    assert.equal(
      alertingOf({ alerting: { webhooks: ['https://x.example.com'] }, alerting_disabled: true }),
      undefined,
    );
    assert.equal(alertingOf({ alerting: { emails: ['a@example.com'] } }), undefined);
    assert.equal(alertingOf({}), undefined);
  });

  test('bad fields are refused with their paths', () => {
    const v = invalid(
      withAlerting({
        webhooks: [
          'ftp://x.example.com',
          'https://u:p@x.example.com',
          7,
          'https://a',
          'https://b',
          'https://c',
        ],
        tct: { completed_by_hour: 24 },
        long_running: {},
      }),
    );
    assert.deepEqual(
      v.map((x) => x.field),
      [
        'properties.alerting.webhooks',
        'properties.alerting.webhooks[0]',
        'properties.alerting.webhooks[1]',
        'properties.alerting.webhooks[2]',
        'properties.alerting.tct.completed_by_hour',
        'properties.alerting.long_running',
      ],
    );
    assert.deepEqual(
      invalid(withAlerting({ tct: { duration_seconds: 5, completed_by_ts: 1 } })).map((x) => x.field),
      ['properties.alerting.tct'],
    );
    assert.deepEqual(
      invalid(withAlerting({ tct: { completed_by_hour: 3, tz: 'Mars/Olympus' } })).map((x) => x.field),
      ['properties.alerting.tct.tz'],
    );
    assert.deepEqual(
      invalid(withAlerting({ long_running: { duration_seconds: 31 * 86_400 } })).map((x) => x.field),
      ['properties.alerting.long_running.duration_seconds', 'properties.alerting.long_running'],
    );
  });

  test('a TCT deadline: a duration after the start, a timestamp, or the next such hour in the zone', () => {
    const start = Date.parse('2026-03-28T22:30:00Z');
    assert.equal(tctDeadline({ kind: 'duration', ms: 60_000 }, start), start + 60_000);
    assert.equal(tctDeadline({ kind: 'timestamp', at: 5 }, start), 5);
    // 23:30 in Paris (UTC+1): 07:00 the next morning, which is after the switch to summer time.
    assert.equal(
      new Date(tctDeadline({ kind: 'hour', hour: 7, tz: 'Europe/Paris' }, start)).toISOString(),
      '2026-03-29T05:00:00.000Z',
    );
    // Before the hour: the same day.
    assert.equal(
      new Date(tctDeadline({ kind: 'hour', hour: 23, tz: 'UTC' }, start)).toISOString(),
      '2026-03-28T23:00:00.000Z',
    );
  });
});

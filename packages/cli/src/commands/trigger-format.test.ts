import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { Backfill, GetTriggersResponse } from '@baton/proto';
import { createStyle } from '../output/style';
import {
  formatBackfill,
  formatBackfillCreated,
  formatTriggers,
  formatZoned,
  signalJoinText,
  timeScheduleText,
} from './trigger-format';

const plain = createStyle(false);
const utc = (iso: string) => new Date(iso);

const triggers: GetTriggersResponse = {
  workflowId: 'demo.wf',
  activeVersion: '3',
  timeTriggerDisabled: false,
  signalTriggerDisabled: false,
  catchUp: 'LATEST',
  timeTriggers: [
    {
      triggerId: 'tt-1',
      definitionJson: '{"type":"CRON","cron":"0 3 * * *","timezone":"America/Los_Angeles"}',
      timezone: 'America/Los_Angeles',
      watermark: utc('2024-03-09T11:00:00Z'),
      nextFireTimes: [utc('2024-03-10T10:00:00Z'), utc('2024-03-11T10:00:00Z')],
    },
  ],
  signalTriggers: [
    {
      triggerId: 'st-1',
      definitionJson: JSON.stringify({
        definitions: {
          table_ready: { match_params: { date: { value: 20240101, operator: '>=' } }, join_keys: ['date'] },
          other: { join_keys: ['date'] },
        },
      }),
      cursors: { table_ready: '12', other: '3' },
      pending: { table_ready: '1' },
      fired: '7',
    },
  ],
};

test('fire times read in the trigger zone, with the offset of that instant (daylight saving shows)', () => {
  const la = 'America/Los_Angeles';
  assert.equal(formatZoned(utc('2024-03-09T11:00:00Z'), la), '2024-03-09T03:00:00-08:00');
  assert.equal(formatZoned(utc('2024-03-10T10:00:00Z'), la), '2024-03-10T03:00:00-07:00');
  assert.equal(formatZoned(utc('2024-01-01T00:00:00Z'), 'Asia/Kolkata'), '2024-01-01T05:30:00+05:30');
  assert.equal(formatZoned(utc('2024-01-01T00:00:00Z'), 'Europe/London'), '2024-01-01T00:00:00+00:00');
  assert.equal(formatZoned(utc('2024-01-01T23:59:59.900Z'), 'UTC'), '2024-01-01T23:59:59Z');
  assert.equal(formatZoned(utc('2024-01-01T00:00:00Z'), ''), '2024-01-01T00:00:00Z');
  assert.equal(formatZoned(utc('2024-01-01T00:00:00Z'), 'Not/AZone'), '2024-01-01T00:00:00Z');
  assert.equal(formatZoned(undefined, 'UTC'), '-');
});

test('trigger definitions read as schedules and joins; anything unknown as its JSON', () => {
  assert.equal(timeScheduleText('{"type":"CRON","cron":"0 3 * * *"}'), 'cron 0 3 * * *');
  assert.equal(timeScheduleText('{"type":"PREDEFINED","expression":"DAILY"}'), '@daily');
  assert.equal(
    timeScheduleText(
      '{"type":"INTERVAL","interval":"1h","start":"2024-01-01T00:00:00Z","fuzzy_max_delay":"5m"}',
    ),
    'every 1h from 2024-01-01T00:00:00Z, fuzzy delay up to 5m',
  );
  assert.equal(timeScheduleText('{"type":"LUNAR"}'), '{"type":"LUNAR"}');
  assert.equal(
    signalJoinText(triggers.signalTriggers[0].definitionJson),
    'table_ready {date >= 20240101} + other on date',
  );
  assert.equal(signalJoinText('{"definitions":{"a":{}},"condition":"x > 1"}'), 'a when x > 1');
  assert.equal(signalJoinText('not json'), 'not json');
});

test('baton triggers: each time trigger with watermark and next fire times, each signal trigger with its cursors', () => {
  assert.equal(
    formatTriggers(triggers, plain),
    [
      'demo.wf  active version 3  catch-up LATEST',
      'time triggers (1)',
      '  tt-1  cron 0 3 * * * (America/Los_Angeles)',
      '    watermark  2024-03-09T03:00:00-08:00',
      '    next       2024-03-10T03:00:00-07:00',
      '               2024-03-11T03:00:00-07:00',
      'signal triggers (1)',
      '  st-1  joins table_ready {date >= 20240101} + other on date',
      '    SIGNAL       CURSOR  PENDING',
      '    other             3        0',
      '    table_ready      12        1',
      '    fired 7 runs',
    ].join('\n'),
  );
});

test('baton triggers says when triggers are disabled, absent, or the workflow has no active version', () => {
  const off = formatTriggers(
    {
      ...triggers,
      timeTriggerDisabled: true,
      signalTriggerDisabled: true,
      timeTriggers: [{ ...triggers.timeTriggers[0], watermark: undefined, nextFireTimes: [] }],
    },
    plain,
  );
  assert.match(off, /^time triggers \(1\) {2}disabled: no time trigger fires$/m);
  assert.match(off, /^signal triggers \(1\) {2}disabled: no signal trigger fires$/m);
  assert.match(off, /watermark {2}none yet\n {4}next {7}none/);
  const inactive = formatTriggers(
    { ...triggers, activeVersion: '0', catchUp: '', timeTriggers: [], signalTriggers: [] },
    plain,
  );
  assert.equal(
    inactive,
    'demo.wf  no active version: no trigger fires\nno time triggers\nno signal triggers',
  );
});

const backfill: Backfill = {
  backfillId: 'bf-1',
  workflowId: 'demo.wf',
  triggerId: 'tt-1',
  from: utc('2024-01-01T00:00:00Z'),
  to: utc('2024-01-10T00:00:00Z'),
  concurrency: 4,
  total: '10',
  started: '6',
  ended: '5',
  status: 'RUNNING',
  createdAt: utc('2024-03-01T00:00:00Z'),
};

test('backfills: created or already existing, and their status', () => {
  assert.equal(
    formatBackfillCreated(backfill, true, plain),
    'created backfill bf-1 of demo.wf trigger tt-1: 10 fire times from 2024-01-01 00:00:00Z to 2024-01-10 00:00:00Z, 4 at a time',
  );
  assert.match(
    formatBackfillCreated(backfill, false, plain),
    /^backfill bf-1 of demo\.wf trigger tt-1 already exists: 10 fire times .*; 6 started, 5 ended of 10 \(RUNNING\)$/,
  );
  assert.equal(
    formatBackfill(backfill, plain),
    [
      'backfill bf-1  RUNNING',
      'workflow     demo.wf',
      'trigger      tt-1',
      'from         2024-01-01 00:00:00Z',
      'to           2024-01-10 00:00:00Z',
      'concurrency  4',
      'progress     6 started, 5 ended of 10',
      'created      2024-03-01 00:00:00Z',
    ].join('\n'),
  );
});

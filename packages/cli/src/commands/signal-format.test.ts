import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { Initiator, SignalDependencyState, StepRunSummary } from '@baton/proto';
import { createStyle } from '../output/style';
import {
  dependencyText,
  filtersText,
  initiatorLine,
  signalParamsText,
  stepSignalLines,
  stepSignalsSection,
  waitingText,
} from './signal-format';

const plain = createStyle(false);
const long = (value: string) => ({ kind: { $case: 'longValue' as const, value } });
const str = (value: string) => ({ kind: { $case: 'stringValue' as const, value } });
const ref = (name: string, seq: string) => ({ name, seq, params: {} });

const dateIs = (v: string) => [{ param: 'date', operator: '=', value: long(v) }];

function dep(name: string, extra: Partial<SignalDependencyState> = {}): SignalDependencyState {
  return { name, match: [], bypassed: false, ...extra };
}

function step(stepId: string, status: string, extra: Partial<StepRunSummary> = {}): StepRunSummary {
  return {
    stepId,
    stepType: 'NoOp',
    status,
    attempts: 0,
    outputs: {},
    error: '',
    iterationCounts: {},
    childKey: '',
    signalDependencies: [],
    signalOutputs: [],
    omittedOutputs: [],
    permitTag: '',
    breakpointId: '',
    ...extra,
  };
}

const waiting = step('load', 'WAITING_FOR_SIGNALS', {
  signalDependencies: [
    dep('table_ready', { match: dateIs('20240101') }),
    dep('other', { matched: ref('other', '3') }),
    dep('late_feed', { match: [{ param: 'region', operator: '>=', value: str('eu') }], bypassed: true }),
  ],
});

function initiator(extra: Partial<Initiator>): Initiator {
  return { type: 0, name: '', timezone: '', triggerId: '', signals: [], ...extra };
}

test('params and filters as text', () => {
  assert.equal(
    signalParamsText({ table: str('orders'), date: long('20240101') }),
    'date=20240101, table="orders"',
  );
  assert.equal(signalParamsText({}), '-');
  assert.equal(
    filtersText([...dateIs('20240101'), { param: 'hour', operator: '>=', value: long('3') }]),
    '{date = 20240101, hour >= 3}',
  );
  assert.equal(filtersText([]), '');
});

test('a dependency: waiting with its filters, matched as ✓ name #seq, bypassed marked', () => {
  assert.deepEqual(
    waiting.signalDependencies.map((d) => dependencyText(d, plain)),
    [
      'waiting for signal table_ready {date = 20240101}',
      '✓ other #3',
      '↷ late_feed {region >= "eu"} (bypassed)',
    ],
  );
  assert.equal(dependencyText(dep('bare'), plain), 'waiting for signal bare');
  const colour = dependencyText(dep('bare'), createStyle(true));
  assert.ok(colour.includes('\x1b[35mbare'), 'the awaited signal in magenta');
});

test('step signal lines: dependencies only while waiting, published outputs always', () => {
  assert.equal(stepSignalLines(waiting, plain).length, 3);
  const later = { ...waiting, status: 'SUCCEEDED', signalOutputs: [ref('table_ready', '13')] };
  assert.deepEqual(stepSignalLines(later, plain), ['→ published table_ready #13']);
  assert.deepEqual(stepSignalLines(step('a', 'RUNNING'), plain), []);
});

test('the signals section lines up step ids and skips steps without signals', () => {
  const publish = step('publish', 'SUCCEEDED', {
    signalOutputs: [ref('table_ready', '13'), ref('audit', '1')],
  });
  assert.equal(
    stepSignalsSection([step('a', 'SUCCEEDED'), waiting, publish], plain),
    [
      'signals',
      '  load     waiting for signal table_ready {date = 20240101}',
      '           ✓ other #3',
      '           ↷ late_feed {region >= "eu"} (bypassed)',
      '  publish  → published table_ready #13',
      '           → published audit #1',
    ].join('\n'),
  );
  assert.equal(stepSignalsSection([step('a', 'RUNNING')], plain), undefined);
});

test('the watch view note: what is still awaited, and how many matched', () => {
  assert.equal(waitingText(waiting), 'waiting for table_ready {date = 20240101} (2 of 3 matched)');
  assert.equal(
    waitingText(step('p', 'WAITING_FOR_PERMITS', { permitTag: 'maestro_workflow:etl' })),
    'waiting for a permit of maestro_workflow:etl',
  );
  assert.equal(
    waitingText(step('b', 'PAUSED', { breakpointId: 'etl:b:*:*:*:*' })),
    'paused at breakpoint etl:b:*:*:*:*',
  );
  assert.equal(
    waitingText(step('x', 'WAITING_FOR_SIGNALS', { signalDependencies: [dep('a'), dep('b')] })),
    'waiting for a, b',
  );
  assert.equal(waitingText({ ...waiting, status: 'RUNNING' }), '');
});

test('the initiator line names the trigger, its fire time and zone, or the signals that fired it', () => {
  const fire = new Date('2024-03-10T09:00:00Z');
  assert.equal(
    initiatorLine(
      initiator({ type: 2, triggerId: 'tt-1', triggerTime: fire, timezone: 'America/Los_Angeles' }),
    ),
    'started by time trigger tt-1 for 2024-03-10T09:00:00Z (America/Los_Angeles)',
  );
  assert.equal(
    initiatorLine(
      initiator({ type: 3, triggerId: 'st-1', signals: [ref('table_ready', '12'), ref('other', '3')] }),
    ),
    'started by signal trigger st-1: table_ready #12, other #3',
  );
  assert.equal(
    initiatorLine(
      initiator({ type: 8, triggerId: 'bf-1', name: 'tt-1', triggerTime: fire, timezone: 'UTC' }),
    ),
    'started by backfill bf-1 of time trigger tt-1 for 2024-03-10T09:00:00Z (UTC)',
  );
  assert.equal(initiatorLine(initiator({ type: 2, name: 'tt-2' })), 'started by time trigger tt-2 for ?');
  assert.equal(initiatorLine(initiator({ type: 1, name: 'alice' })), undefined);
  assert.equal(initiatorLine(undefined), undefined);
});

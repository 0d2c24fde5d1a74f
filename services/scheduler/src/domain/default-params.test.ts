import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { DERIVED_DEFAULT_PARAMS } from './default-params';
import type { JsonValue } from './json';
import { restartSnapshot } from './restart';
import type { RunParamMap } from './run-params';
import { Run, T0, e, p, s } from '../../test/test-kit';
import type { TriggerInfo } from './trigger-info';

// T0 is 2023-11-14T22:13:20Z.
const MAR10_0930Z = Date.parse('2024-03-10T09:30:00Z'); // 01:30 PST, before the jump to PDT
const MAR10_1030Z = Date.parse('2024-03-10T10:30:00Z'); // 03:30 PDT, after it
const MAR10_0530Z = Date.parse('2024-03-10T05:30:00Z'); // 21:30 PST on March 9
const LA = 'America/Los_Angeles';
const time = (ms: number, timezone?: string): TriggerInfo => ({
  kind: 'TIME',
  triggerId: 'tt1',
  time: ms,
  ...(timezone ? { timezone } : {}),
});
const cronIn = (timezone: string) => ({ time_triggers: [{ type: 'CRON', cron: '0 * * * *', timezone }] });
const SIGNALS: TriggerInfo = {
  kind: 'SIGNAL',
  triggerId: 'st1',
  time: MAR10_0930Z,
  signals: [
    { name: 'first', seq: 1, params: { k: 'one', n: 5 } },
    { name: 'second', seq: 7, params: { k: 'two' } },
  ],
};

/** A definition param that reads every name of `expect` (by interpolation), so each is evaluated. */
function reading(names: string[]): Record<string, unknown> {
  return { _read: p(names.map((n) => `\${${n}}`).join(' ')) };
}

interface Case {
  name: string;
  wf?: Record<string, unknown>;
  trigger?: TriggerInfo;
  run?: RunParamMap;
  expect: Record<string, JsonValue>;
}

const MANUAL_UTC: Record<string, JsonValue> = {
  RUN_TS: T0,
  DSL_DEFAULT_TZ: 'UTC',
  WORKFLOW_CRON_TIMEZONE: 'UTC',
  TARGET_RUN_DATE: '20231114',
  TARGET_RUN_HOUR: '22',
  DERIVED_RUN_TS: Date.parse('2023-11-14T22:00:00Z'),
  DERIVED_RUN_DATE_US_PACIFIC: '20231114',
  DERIVED_RUN_DATE_US_PACIFIC_MINUS_ONE: '20231113',
  DERIVED_RUN_DATE_UTC: '20231114',
  DERIVED_RUN_DATE_UTC_MINUS_ONE: '20231113',
  DERIVED_RUN_DATE_UTC_PLUS_ONE: '20231115',
  DERIVED_RUN_DATE_UTC_MINUS_ONE_HOUR: '20231114',
  DERIVED_RUN_DATE_UTC_PLUS_ONE_HOUR: '20231114',
  DERIVED_RUN_HOUR_US_PACIFIC: '14',
  DERIVED_RUN_HOUR_UTC: '22',
  DERIVED_RUN_HOUR_UTC_MINUS_ONE_HOUR: '21',
  DERIVED_RUN_HOUR_UTC_PLUS_ONE_HOUR: '23',
  LOCAL_RUN_DATE: '20231114',
  RUN_DATE: '20231114',
  RUN_DATE_MINUS_1: '20231113',
  RUN_DATE_MINUS_7: '20231107',
};

const cases: Case[] = [
  { name: 'a manual run in UTC: every default', expect: MANUAL_UTC },
  {
    name: 'TIME at 09:30Z in Los Angeles: 01 PST, RUN_TS is the fire time',
    trigger: time(MAR10_0930Z, LA),
    expect: {
      RUN_TS: MAR10_0930Z,
      WORKFLOW_CRON_TIMEZONE: LA,
      TARGET_RUN_DATE: '20240310',
      TARGET_RUN_HOUR: '01',
      DERIVED_RUN_TS: Date.parse('2024-03-10T09:00:00Z'),
      DERIVED_RUN_HOUR_US_PACIFIC: '01',
      DERIVED_RUN_HOUR_UTC: '09',
      RUN_DATE: '20240310',
    },
  },
  {
    name: 'TIME at 10:30Z in Los Angeles: 03 PDT (02 does not exist that day)',
    trigger: time(MAR10_1030Z, LA),
    expect: { TARGET_RUN_DATE: '20240310', TARGET_RUN_HOUR: '03', DERIVED_RUN_HOUR_UTC: '10' },
  },
  {
    name: 'TIME at 05:30Z in Los Angeles: the local date is the day before the UTC one',
    trigger: time(MAR10_0530Z, LA),
    expect: {
      TARGET_RUN_DATE: '20240309',
      TARGET_RUN_HOUR: '21',
      LOCAL_RUN_DATE: '20240309',
      DERIVED_RUN_DATE_US_PACIFIC: '20240309',
      DERIVED_RUN_DATE_UTC: '20240310',
      DERIVED_RUN_DATE_UTC_MINUS_ONE_HOUR: '20240310',
      RUN_DATE: '20240310',
      RUN_DATE_MINUS_1: '20240309',
    },
  },
  {
    name: 'BACKFILL runs stand for their fire time too',
    trigger: { kind: 'BACKFILL', triggerId: 'tt1', time: MAR10_0930Z, timezone: LA },
    expect: { RUN_TS: MAR10_0930Z, TARGET_RUN_HOUR: '01' },
  },
  {
    name: 'started by hand: the first time trigger’s zone',
    wf: cronIn(LA),
    expect: {
      DSL_DEFAULT_TZ: LA,
      WORKFLOW_CRON_TIMEZONE: LA,
      TARGET_RUN_DATE: '20231114',
      TARGET_RUN_HOUR: '14',
      RUN_DATE: '20231114',
    },
  },
  {
    name: 'the trigger’s zone wins over the first time trigger’s',
    wf: cronIn('Asia/Tokyo'),
    trigger: time(MAR10_0930Z, LA),
    expect: { DSL_DEFAULT_TZ: 'Asia/Tokyo', WORKFLOW_CRON_TIMEZONE: LA, TARGET_RUN_HOUR: '01' },
  },
  {
    name: 'a TIME trigger without a zone falls back to the first time trigger’s',
    wf: cronIn('Asia/Tokyo'),
    trigger: time(MAR10_0930Z),
    expect: { WORKFLOW_CRON_TIMEZONE: 'Asia/Tokyo', TARGET_RUN_DATE: '20240310', TARGET_RUN_HOUR: '18' },
  },
  {
    name: 'an INTERVAL first trigger has no zone: UTC',
    wf: { time_triggers: [{ type: 'INTERVAL', interval: '1h' }] },
    expect: { DSL_DEFAULT_TZ: 'UTC', TARGET_RUN_HOUR: '22' },
  },
  {
    name: 'a definition param overrides a default; the others read it',
    wf: { params: { WORKFLOW_CRON_TIMEZONE: p('Asia/Tokyo'), TARGET_RUN_DATE: p('19990101') } },
    expect: {
      WORKFLOW_CRON_TIMEZONE: 'Asia/Tokyo',
      TARGET_RUN_DATE: '19990101',
      TARGET_RUN_HOUR: '07',
      LOCAL_RUN_DATE: '20231115',
    },
  },
  {
    name: 'a run param RUN_TS moves the run to another day; the derived params follow',
    run: { RUN_TS: { value: MAR10_0930Z } },
    expect: {
      RUN_TS: MAR10_0930Z,
      TARGET_RUN_DATE: '20240310',
      TARGET_RUN_HOUR: '09',
      DERIVED_RUN_DATE_UTC_PLUS_ONE: '20240311',
      RUN_DATE_MINUS_7: '20240303',
    },
  },
  {
    name: 'a run param RUN_TS overrides a TIME trigger’s fire time',
    trigger: time(MAR10_0930Z, LA),
    run: { RUN_TS: { value: MAR10_1030Z } },
    expect: { RUN_TS: MAR10_1030Z, TARGET_RUN_HOUR: '03' },
  },
  {
    name: 'a definition expression over the defaults',
    wf: { params: { path: p('s3://b/dt=${TARGET_RUN_DATE}/hr=${TARGET_RUN_HOUR}') } },
    trigger: time(MAR10_0930Z, LA),
    expect: { path: 's3://b/dt=20240310/hr=01' },
  },
  {
    name: 'SIGNAL: RUN_TS is the start, params.getFromSignal with one and two arguments',
    trigger: SIGNALS,
    wf: {
      params: {
        named: e('params.getFromSignal("second", "k")'),
        first: e('params.getFromSignal("k")'),
        n: e('params.getFromSignal("n") + 1', 'LONG'),
      },
    },
    expect: { RUN_TS: T0, named: 'two', first: 'one', n: 6, WORKFLOW_CRON_TIMEZONE: 'UTC' },
  },
];

describe('default workflow params', () => {
  for (const c of cases) {
    test(c.name, () => {
      const wf = {
        ...(c.wf ?? {}),
        params: { ...((c.wf?.params as object) ?? {}), ...reading(Object.keys(c.expect)) },
      };
      const r = Run.of([s('a')], wf).start(c.run, c.trigger ? { trigger: c.trigger } : {});
      assert.equal(r.snap.status, 'SUCCEEDED', r.snap.message);
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual(r.snap.params[k], v, k);
    });
  }

  test('every default is in the manual table (no default left untested)', () => {
    assert.deepEqual(
      Object.keys(MANUAL_UTC).sort(),
      ['RUN_TS', ...Object.keys(DERIVED_DEFAULT_PARAMS)].sort(),
    );
  });

  test('a run pays only for the defaults it reads: unread ones are not evaluated', () => {
    const plain = Run.of([s('a')]).start();
    assert.deepEqual(Object.keys(plain.snap.params).sort(), [
      'RUN_TS',
      'initiator',
      'workflow_id',
      'workflow_instance_id',
      'workflow_instance_key',
      'workflow_run_id',
    ]);
    const hour = Run.of([s('a')], { params: { h: e('TARGET_RUN_HOUR') } }).start();
    assert.deepEqual(
      Object.keys(hour.snap.params)
        .filter((k) => k in DERIVED_DEFAULT_PARAMS)
        .sort(),
      ['DSL_DEFAULT_TZ', 'TARGET_RUN_HOUR', 'WORKFLOW_CRON_TIMEZONE'],
    );
  });

  test('a step reads a default the run did not: the value start would have given, however late', () => {
    const r = Run.of([
      s('a', 'Shell', undefined, { params: { hr: p('${TARGET_RUN_HOUR}'), d: e('RUN_DATE') } }),
    ]);
    r.now = T0 + 5 * 3_600_000;
    r.start(undefined, { trigger: time(MAR10_0930Z, LA) });
    const params = r.dispatches()[0]!.params;
    assert.deepEqual([params.hr, params.d], ['01', '20240310']);
    assert.equal(r.snap.params.TARGET_RUN_HOUR, undefined, 'not kept in the instance params');
  });

  const failing: { name: string; wf: Record<string, unknown>; run?: RunParamMap; message: RegExp }[] = [
    {
      name: 'getFromSignal on a run no signal started',
      wf: { params: { x: e('params.getFromSignal("k")') } },
      message: /cannot start: param 'x'.*not found/,
    },
    {
      name: 'a RUN_TS that is not a time',
      wf: { params: { x: e('TARGET_RUN_DATE') } },
      run: { RUN_TS: { value: 'yesterday', type: 'STRING' } },
      message: /cannot start: .*param 'TARGET_RUN_DATE'.*"yesterday"/,
    },
    {
      name: 'a WORKFLOW_CRON_TIMEZONE that is not a zone',
      wf: { params: { WORKFLOW_CRON_TIMEZONE: p('Mars/Olympus'), x: e('TARGET_RUN_DATE') } },
      message: /cannot start: .*param 'TARGET_RUN_DATE'.*Mars\/Olympus/,
    },
  ];
  for (const c of failing) {
    test(`fails the run: ${c.name}`, () => {
      const r = Run.of([s('a')], c.wf).start(c.run);
      assert.equal(r.snap.status, 'FAILED');
      assert.match(r.snap.message ?? '', c.message);
    });
  }
});

describe('the trigger of a run', () => {
  test('start copies it to the snapshot; a restart keeps it (same RUN_TS and dates)', () => {
    const trigger = time(MAR10_0930Z, LA);
    const r = Run.of([s('a')], { params: reading(['TARGET_RUN_DATE']) }).start(undefined, { trigger });
    assert.deepEqual(r.snap.trigger, trigger);
    const next = new Run(r.ctx);
    next.now = T0 + 86_400_000;
    next.snap = restartSnapshot(r.snap, r.ctx, { mode: 'RESTART_FROM_BEGINNING' }, next.now);
    next.start();
    assert.deepEqual(next.snap.trigger, trigger);
    assert.deepEqual([next.snap.params.RUN_TS, next.snap.params.TARGET_RUN_DATE], [MAR10_0930Z, '20240310']);
  });

  test('child instances get it with the parent’s params, RUN_TS included', () => {
    const trigger = time(MAR10_0930Z, LA);
    const r = Run.of([{ subworkflow: { id: 'sw', params: { subworkflow_id: p('child.wf') } } }], {
      params: reading(['TARGET_RUN_DATE']),
    }).start(undefined, { trigger });
    const child = r.ofType('startChild')[0]!;
    assert.deepEqual(child.trigger, trigger);
    assert.deepEqual([child.params.RUN_TS, child.params.TARGET_RUN_DATE], [MAR10_0930Z, '20240310']);
  });
});

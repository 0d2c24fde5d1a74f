import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { InitiatorType } from '@baton/proto';
import { fromParamMap } from '@baton/sdk';
import { waitFor } from '@baton/testing';
import { push } from '../scheduler/support';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';
import { instancesOf, waitAllEnded } from './support';

const env = useStack({
  services: ['definition', 'scheduler', 'signal'],
  env: { SIGNAL_TRIGGER_SYNC_MS: '300', SIGNAL_SWEEP_MS: '1000' },
});
const noop = (id: string) => ({ step: { id, type: 'NoOp' } });

describe('time triggers', () => {
  test('a cron with seconds fires each fire time once, as TIME runs whose RUN_TS is the fire time', async () => {
    await push(env.clients, {
      id: 'time.fast',
      time_triggers: [{ type: 'CRON', cron: '*/2 * * * * ?', timezone: 'UTC' }],
      steps: [noop('a')],
    });
    await waitFor(async () => (await instancesOf(env.clients, 'time.fast')).length >= 3, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'three cron fires',
    });
    await env.clients.definition.deactivateWorkflow({ workflowId: 'time.fast' });
    const list = await waitAllEnded(env.clients, 'time.fast', 3);
    const times = list.map((i) => i.initiator!.triggerTime!.getTime());
    assert.ok(list.every((i) => i.initiator!.type === InitiatorType.INITIATOR_TYPE_TIME));
    assert.equal(new Set(times).size, times.length, 'no fire time twice');
    for (const i of list) {
      const t = i.initiator!.triggerTime!.getTime();
      assert.equal(t % 2000, 0, 'on the even second');
      assert.equal(fromParamMap(i.params).RUN_TS, t, 'RUN_TS is the fire time');
      assert.equal(i.initiator!.timezone, 'UTC');
    }
    const sorted = [...times].sort((a, b) => a - b);
    for (let k = 1; k < sorted.length; k++) assert.equal(sorted[k]! - sorted[k - 1]!, 2000, 'none skipped');
  });

  test('GetTriggers: the next fire times of an hourly trigger in its zone', async () => {
    await push(env.clients, {
      id: 'time.hourly',
      time_triggers: [{ type: 'PREDEFINED', expression: '@hourly', timezone: 'America/Los_Angeles' }],
      steps: [noop('a')],
    });
    const t = await env.clients.signal.getTriggers({ workflowId: 'time.hourly', nextCount: 5 });
    assert.equal(t.timeTriggers.length, 1);
    const next = t.timeTriggers[0]!.nextFireTimes.map((d) => d.getTime());
    assert.equal(next.length, 5);
    assert.ok(next[0]! > Date.now());
    for (let k = 1; k < 5; k++) assert.equal(next[k]! - next[k - 1]!, 3_600_000);
    assert.equal(t.timeTriggers[0]!.timezone, 'America/Los_Angeles');
    assert.equal(t.catchUp, 'LATEST');
  });

  test('backfill: a run per fire time in the range with that fire time as RUN_TS; repeating it starts nothing', async () => {
    await push(env.clients, {
      id: 'time.backfill',
      time_triggers: [{ type: 'CRON', cron: '0 * * * *', timezone: 'UTC' }],
      steps: [noop('a')],
    });
    const from = new Date('2024-01-01T00:00:00Z');
    const to = new Date('2024-01-01T04:00:00Z');
    const first = await env.clients.signal.backfill({
      workflowId: 'time.backfill',
      from,
      to,
      concurrency: 2,
    });
    assert.equal(first.created, true);
    assert.equal(first.backfill!.total, '5');
    await waitFor(
      async () =>
        (await env.clients.signal.getBackfill({ backfillId: first.backfill!.backfillId })).backfill!
          .status === 'DONE',
      { timeoutMs: 30_000, intervalMs: 200, what: 'the backfill to finish' },
    );
    const list = await waitAllEnded(env.clients, 'time.backfill', 5);
    assert.deepEqual(
      list.map((i) => fromParamMap(i.params).RUN_TS).sort(),
      [0, 1, 2, 3, 4].map((h) => from.getTime() + h * 3_600_000),
    );
    assert.ok(list.every((i) => i.initiator!.type === InitiatorType.INITIATOR_TYPE_BACKFILL));
    const again = await env.clients.signal.backfill({
      workflowId: 'time.backfill',
      from,
      to,
      concurrency: 2,
    });
    assert.equal(again.created, false);
    assert.equal(again.backfill!.backfillId, first.backfill!.backfillId);
    assert.equal((await instancesOf(env.clients, 'time.backfill')).length, 5);
  });

  test('bad input: an invalid cron, time zone or interval is refused at push naming its path; bad backfills too', async () => {
    const bad = await expectCode(
      env.clients.definition.pushWorkflow({
        definitionJson: JSON.stringify({
          workflow: {
            id: 'time.bad',
            time_triggers: [
              { type: 'CRON', cron: '61 * * * *' },
              { type: 'CRON', cron: '0 * * * *', timezone: 'Mars/Base' },
              { type: 'INTERVAL', interval: '5 seconds' },
            ],
            steps: [noop('a')],
          },
        }),
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(bad).sort(), [
      'workflow.time_triggers[0].cron',
      'workflow.time_triggers[1].timezone',
      'workflow.time_triggers[2].interval',
    ]);
    const e = await expectCode(
      env.clients.signal.backfill({
        workflowId: 'time.backfill',
        from: new Date('2024-02-01T00:00:00Z'),
        to: new Date('2024-01-01T00:00:00Z'),
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(e), ['to']);
    const many = await expectCode(
      env.clients.signal.backfill({
        workflowId: 'time.backfill',
        from: new Date('2020-01-01T00:00:00Z'),
        to: new Date('2024-01-01T00:00:00Z'),
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(many), ['to']);
    await expectCode(
      env.clients.signal.backfill({ workflowId: 'no.such', from: new Date(0), to: new Date(1) }),
      'FAILED_PRECONDITION',
    );
  });
});

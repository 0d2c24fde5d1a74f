import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type Initiator, InitiatorType } from '@baton/proto';
import { fromParamMap, toParamMap } from '@baton/sdk';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';
import { noop, push, sleep, statuses, waitEnd } from './support';

// A watcher's fallback timer far beyond any test: WatchInstance must be woken by the engine.
const env = useStack({
  services: ['definition', 'scheduler'],
  env: { SCHEDULER_WATCH_FALLBACK_MS: '600000' },
});
const sched = () => env.clients.scheduler;

describe('scheduler: starting and running workflows (NoOp, Sleep, Join, conditions)', () => {
  test('a DAG with a false branch runs to SUCCEEDED; the false branch is UNSATISFIED', async () => {
    await push(env.clients, {
      id: 'eng.dag',
      params: { limit: { value: 5, type: 'LONG' } },
      steps: [
        noop('a', { b: 'limit > 3', c: 'limit > 10' }),
        noop('b', { d: 'true' }),
        noop('c', { d: 'true' }),
        { step: { id: 'd', type: 'Join' } },
        noop('island'),
      ],
    });
    const st = await sched().startWorkflow({ workflowId: 'eng.dag', requestId: 'dag-1' });
    assert.equal(st.instanceId, '1');
    const inst = await waitEnd(env.clients, 'eng.dag', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED');
    assert.deepEqual(statuses(inst), {
      a: 'SUCCEEDED',
      b: 'SUCCEEDED',
      c: 'UNSATISFIED',
      d: 'SUCCEEDED',
      island: 'SUCCEEDED',
    });
    assert.ok(inst.timeline.length > 5);
  });

  test('run params override definition params and steer conditions', async () => {
    const st = await sched().startWorkflow({ workflowId: 'eng.dag', runParams: toParamMap({ limit: 50 }) });
    const inst = await waitEnd(env.clients, 'eng.dag', st.instanceId);
    assert.deepEqual(statuses(inst).c, 'SUCCEEDED');
  });

  test('StartWorkflow is idempotent by request_id; instance ids are 1, 2, 3...', async () => {
    const a = await sched().startWorkflow({ workflowId: 'eng.dag', requestId: 'same' });
    const b = await sched().startWorkflow({ workflowId: 'eng.dag', requestId: 'same' });
    assert.equal(a.instanceId, b.instanceId);
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    const c = await sched().startWorkflow({ workflowId: 'eng.dag', requestId: 'other' });
    assert.equal(Number(c.instanceId), Number(a.instanceId) + 1);
    const parallel = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sched().startWorkflow({ workflowId: 'eng.dag', requestId: `p${i % 5}` }),
      ),
    );
    assert.equal(new Set(parallel.map((p) => p.instanceId)).size, 5, 'five request ids, five instances');
  });

  test('a repeated request_id with other run params is refused with ALREADY_EXISTS naming the first instance', async () => {
    const limit = (v: number) => toParamMap({ limit: v }, { limit: 'LONG' });
    const a = await sched().startWorkflow({
      workflowId: 'eng.dag',
      requestId: 'with-params',
      runParams: limit(7),
    });
    // The same params again: the same instance.
    const b = await sched().startWorkflow({
      workflowId: 'eng.dag',
      requestId: 'with-params',
      runParams: limit(7),
    });
    assert.equal(b.instanceId, a.instanceId);
    assert.equal(b.created, false);
    const err = await expectCode(
      sched().startWorkflow({ workflowId: 'eng.dag', requestId: 'with-params', runParams: limit(8) }),
      'ALREADY_EXISTS',
    );
    assert.match(err.message, new RegExp(`eng\\.dag/${a.instanceId}\\b`));
    await expectCode(
      sched().startWorkflow({ workflowId: 'eng.dag', requestId: 'with-params' }),
      'ALREADY_EXISTS',
    );
    const list = await sched().listInstances({ workflowId: 'eng.dag', pageSize: 500 });
    assert.equal(list.instances.filter((i) => i.ref?.instanceId === a.instanceId).length, 1);
    assert.equal(Math.max(...list.instances.map((i) => Number(i.ref?.instanceId))), Number(a.instanceId));
  });

  test('Sleep is a timer; the run waits for it', async () => {
    await push(env.clients, { id: 'eng.sleep', steps: [sleep('nap', 1, { after: 'true' }), noop('after')] });
    const t0 = Date.now();
    const st = await sched().startWorkflow({ workflowId: 'eng.sleep' });
    const inst = await waitEnd(env.clients, 'eng.sleep', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED');
    assert.ok(Date.now() - t0 >= 1000);
  });

  test('bad input: unknown workflow, unknown version, wrong param type, CONSTANT param, bad ref', async () => {
    await expectCode(sched().startWorkflow({ workflowId: 'no.such' }), 'NOT_FOUND');
    await expectCode(sched().startWorkflow({ workflowId: 'eng.dag', version: '99' }), 'NOT_FOUND');
    await push(env.clients, {
      id: 'eng.params',
      params: { n: { value: 1, type: 'LONG' }, fixed: { value: 'x', type: 'STRING', mode: 'CONSTANT' } },
      steps: [noop('a')],
    });
    const wrong = await expectCode(
      sched().startWorkflow({
        workflowId: 'eng.params',
        runParams: toParamMap({ n: 'not a number' }, { n: 'STRING' }),
      }),
      'INVALID_ARGUMENT',
    );
    assert.ok(
      fields(wrong).some((f) => f.includes('n')),
      JSON.stringify(wrong.violations),
    );
    const constant = await expectCode(
      sched().startWorkflow({ workflowId: 'eng.params', runParams: toParamMap({ fixed: 'y' }) }),
      'INVALID_ARGUMENT',
    );
    assert.ok(
      fields(constant).some((f) => f.includes('fixed')),
      JSON.stringify(constant.violations),
    );
    await expectCode(
      sched().getInstance({ ref: { workflowId: 'eng.params', instanceId: '9' } }),
      'NOT_FOUND',
    );
    await expectCode(
      sched().getInstance({ ref: { workflowId: 'eng.params', instanceId: '0' } }),
      'INVALID_ARGUMENT',
    );
    // Nothing was started by the rejected calls.
    const list = await sched().listInstances({ workflowId: 'eng.params' });
    assert.equal(list.instances.length, 0);
  });

  test('a TIME initiator comes back from GetInstance, and its fire time and zone make RUN_TS and the dates', async () => {
    await push(env.clients, {
      id: 'eng.trigger',
      params: { path: { value: 'dt=${TARGET_RUN_DATE}/hr=${TARGET_RUN_HOUR}', type: 'STRING' } },
      steps: [noop('a')],
    });
    const fired = new Date('2024-03-10T09:30:00Z');
    const initiator = {
      type: InitiatorType.INITIATOR_TYPE_TIME,
      name: 'cron',
      triggerTime: fired,
      timezone: 'America/Los_Angeles',
      triggerId: 'eng.trigger:tt1',
      signals: [],
    };
    const st = await sched().startWorkflow({ workflowId: 'eng.trigger', initiator });
    const inst = await waitEnd(env.clients, 'eng.trigger', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.deepEqual(inst.initiator, initiator);
    const params = fromParamMap(inst.params);
    assert.deepEqual(
      [params.RUN_TS, params.TARGET_RUN_DATE, params.TARGET_RUN_HOUR, params.path],
      [fired.getTime(), '20240310', '01', 'dt=20240310/hr=01'],
    );
    // The same definition started by hand reads the hour of its start, in UTC.
    const byHand = await sched().startWorkflow({ workflowId: 'eng.trigger' });
    const manual = await waitEnd(env.clients, 'eng.trigger', byHand.instanceId);
    assert.equal(manual.status, 'SUCCEEDED', manual.error);
    assert.deepEqual(
      [manual.initiator?.type, manual.initiator?.name],
      [InitiatorType.INITIATOR_TYPE_MANUAL, 'manual'],
    );
    assert.match(String(fromParamMap(manual.params).TARGET_RUN_HOUR), /^\d\d$/);
  });

  test('a hostile initiator is INVALID_ARGUMENT naming the field, and starts nothing', async () => {
    const time: Initiator = {
      type: InitiatorType.INITIATOR_TYPE_TIME,
      name: '',
      timezone: '',
      triggerId: 'tt',
      signals: [],
    };
    const cases: [Partial<Initiator>, string][] = [
      [{}, 'initiator.trigger_time'],
      [{ triggerTime: new Date(), timezone: 'Mars/Olympus' }, 'initiator.timezone'],
      [
        { type: InitiatorType.INITIATOR_TYPE_SIGNAL, signals: [{ name: '', seq: '1', params: {} }] },
        'initiator.signals[0].name',
      ],
    ];
    for (const [change, field] of cases) {
      const err = await expectCode(
        sched().startWorkflow({ workflowId: 'eng.trigger', initiator: { ...time, ...change } }),
        'INVALID_ARGUMENT',
      );
      assert.ok(fields(err).includes(field), `${field} in ${JSON.stringify(err.violations)}`);
    }
    const list = await sched().listInstances({ workflowId: 'eng.trigger' });
    assert.equal(list.instances.length, 2, 'only the two runs of the previous test');
  });

  test('stop ends a run STOPPED; kill ends it FAILED; actions on ended runs are FAILED_PRECONDITION', async () => {
    await push(env.clients, { id: 'eng.long', steps: [sleep('wait', 30, { after: 'true' }), noop('after')] });
    const a = await sched().startWorkflow({ workflowId: 'eng.long' });
    await sched().stopInstance({ ref: { workflowId: 'eng.long', instanceId: a.instanceId }, reason: 'test' });
    const stopped = await waitEnd(env.clients, 'eng.long', a.instanceId);
    assert.equal(stopped.status, 'STOPPED');
    const b = await sched().startWorkflow({ workflowId: 'eng.long' });
    await sched().killInstance({ ref: { workflowId: 'eng.long', instanceId: b.instanceId } });
    assert.equal((await waitEnd(env.clients, 'eng.long', b.instanceId)).status, 'FAILED');
    await expectCode(
      sched().stopInstance({ ref: { workflowId: 'eng.long', instanceId: a.instanceId } }),
      'FAILED_PRECONDITION',
    );
  });

  test('restart from incomplete creates run 2 and keeps succeeded steps', async () => {
    await push(env.clients, {
      id: 'eng.restart',
      steps: [noop('first', { wait: 'true' }), sleep('wait', 30)],
    });
    const st = await sched().startWorkflow({ workflowId: 'eng.restart' });
    await sched().stopInstance({ ref: { workflowId: 'eng.restart', instanceId: st.instanceId } });
    assert.equal((await waitEnd(env.clients, 'eng.restart', st.instanceId)).status, 'STOPPED');
    await push(env.clients, {
      id: 'eng.restart',
      steps: [noop('first', { wait: 'true' }), sleep('wait', 30)],
    });
    const re = await sched().restartInstance({
      ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
      requestId: 'restart-once',
    });
    assert.equal(re.ref?.runId, '2');
    // A repeat of the request (a client retrying) starts nothing: it answers run 2, which is running.
    const again = await sched().restartInstance({
      ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
      requestId: 'restart-once',
    });
    assert.equal(again.ref?.runId, '2');
    const run2 = (
      await sched().getInstance({ ref: { workflowId: 'eng.restart', instanceId: st.instanceId, runId: '2' } })
    ).instance!;
    assert.equal(run2.ref?.runId, '2');
    assert.equal(statuses(run2).first, 'SUCCEEDED');
    await sched().skipStep({ ref: { workflowId: 'eng.restart', instanceId: st.instanceId }, stepId: 'wait' });
    const done = await waitEnd(env.clients, 'eng.restart', st.instanceId, 15_000, 2);
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(statuses(done).wait, 'SKIPPED');
    // Still run 2 after it ended: the request made run 2 and nothing else.
    const late = await sched().restartInstance({
      ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
      requestId: 'restart-once',
    });
    assert.equal(late.ref?.runId, '2');
    await expectCode(
      sched().getInstance({ ref: { workflowId: 'eng.restart', instanceId: st.instanceId, runId: '3' } }),
      'NOT_FOUND',
    );
    const long = await expectCode(
      sched().restartInstance({
        ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
        requestId: 'x'.repeat(257),
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(long), ['request_id']);
    // Stop, kill and step commands store their request ids in event ids: bounded alike.
    for (const call of [
      () =>
        sched().stopInstance({
          ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
          requestId: 'x'.repeat(257),
        }),
      () =>
        sched().killInstance({
          ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
          requestId: 'x'.repeat(257),
        }),
      () =>
        sched().skipStep({
          ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
          stepId: 'wait',
          requestId: 'x'.repeat(257),
        }),
    ])
      assert.deepEqual(fields(await expectCode(call(), 'INVALID_ARGUMENT')), ['request_id']);
    await expectCode(
      sched().restartInstance({
        ref: { workflowId: 'eng.restart', instanceId: st.instanceId },
        mode: 'SIDEWAYS',
      }),
      'INVALID_ARGUMENT',
    );
  });

  test('WatchInstance streams changes until the run ends, woken by the engine (no polling)', async () => {
    const st = await sched().startWorkflow({ workflowId: 'eng.sleep' });
    const seen: string[] = [];
    for await (const msg of sched().watchInstance(
      { ref: { workflowId: 'eng.sleep', instanceId: st.instanceId } },
      { signal: AbortSignal.timeout(20_000) },
    )) {
      seen.push(msg.instance!.status);
    }
    assert.equal(seen[seen.length - 1], 'SUCCEEDED');
    assert.ok(seen.length >= 2, seen.join());
  });

  test('ListInstances pages newest first and filters by status; GetStepRun shows attempts', async () => {
    const all = await sched().listInstances({ workflowId: 'eng.dag', pageSize: 3 });
    assert.equal(all.instances.length, 3);
    assert.ok(all.nextPageToken);
    const ids = all.instances.map((i) => Number(i.ref!.instanceId));
    assert.deepEqual(
      ids,
      [...ids].sort((x, y) => y - x),
    );
    const more = await sched().listInstances({
      workflowId: 'eng.dag',
      pageSize: 3,
      pageToken: all.nextPageToken,
    });
    assert.ok(Number(more.instances[0].ref!.instanceId) < ids[2]);
    const step = await sched().getStepRun({ ref: { workflowId: 'eng.dag', instanceId: '1' }, stepId: 'a' });
    assert.equal(step.stepRun?.summary?.status, 'SUCCEEDED');
    await expectCode(
      sched().getStepRun({ ref: { workflowId: 'eng.dag', instanceId: '1' }, stepId: 'zz' }),
      'NOT_FOUND',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { InitiatorType } from '@baton/proto';
import { fromParamMap } from '@baton/sdk';
import { push } from '../scheduler/support';
import { useStack } from '../support/stack';
import { instancesOf, quiet, waitAllEnded, waitInstances } from './support';

// Quick trigger sync and sweeps, so a push is seen at once even without the Redis announcement.
const env = useStack({
  services: ['definition', 'scheduler', 'signal'],
  env: { SIGNAL_TRIGGER_SYNC_MS: '300', SIGNAL_SWEEP_MS: '1000' },
});
const long = (v: number) => ({ kind: { $case: 'longValue' as const, value: String(v) } });
const str = (v: string) => ({ kind: { $case: 'stringValue' as const, value: v } });
const noop = (id: string) => ({ step: { id, type: 'NoOp' } });

describe('signal triggers', () => {
  test('one signal with match params starts a run per matching instance, initiator SIGNAL, params from the signal', async () => {
    await push(env.clients, {
      id: 'trig.single',
      params: { day: { type: 'LONG', value: 0 } },
      signal_triggers: [
        {
          definitions: { 'trig/landed': { match_params: { region: { value: 'eu', operator: '=' } } } },
          params: { day: { type: 'LONG', expression: "params.getFromSignal('trig/landed', 'day')" } },
        },
      ],
      steps: [noop('a')],
    });
    await env.clients.signal.publishSignal({
      name: 'trig/landed',
      params: { region: str('eu'), day: long(7) },
    });
    await env.clients.signal.publishSignal({
      name: 'trig/landed',
      params: { region: str('us'), day: long(8) },
    });
    const [inst] = await waitAllEnded(env.clients, 'trig.single', 1);
    assert.equal(inst!.status, 'SUCCEEDED');
    assert.equal(inst!.initiator?.type, InitiatorType.INITIATOR_TYPE_SIGNAL);
    assert.deepEqual(
      inst!.initiator?.signals.map((s) => `${s.name}#${s.seq}`),
      ['trig/landed#1'],
    );
    assert.equal(fromParamMap(inst!.params).day, 7);
    await quiet(1500);
    assert.equal((await instancesOf(env.clients, 'trig.single')).length, 1, 'the us signal matched nothing');
  });

  test('two signals joined on a key: a run per complete join, each instance consumed once', async () => {
    await push(env.clients, {
      id: 'trig.join',
      signal_triggers: [
        {
          definitions: { 'j/a': { join_keys: ['date'] }, 'j/b': { join_keys: ['dt'] } },
        },
      ],
      steps: [noop('a')],
    });
    const pub = (name: string, key: string, v: number) =>
      env.clients.signal.publishSignal({ name, params: { [key]: long(v) } });
    await pub('j/a', 'date', 1);
    await pub('j/a', 'date', 2);
    await pub('j/b', 'dt', 2);
    await waitInstances(env.clients, 'trig.join', 1);
    await pub('j/b', 'dt', 2); // no a#2 left to join
    await pub('j/b', 'dt', 1);
    const list = await waitAllEnded(env.clients, 'trig.join', 2);
    const joins = list.map((i) => i.initiator!.signals.map((s) => `${s.name}#${s.seq}`).join('+')).sort();
    assert.deepEqual(joins, ['j/a#1+j/b#3', 'j/a#2+j/b#1']);
    await quiet(1000);
    assert.equal((await instancesOf(env.clients, 'trig.join')).length, 2);
    // Lineage both ways.
    const lin = await env.clients.signal.getSignalLineage({ name: 'j/a', seq: '2' });
    assert.deepEqual(
      lin.runs.map((r) => [r.relation, r.workflowId]),
      [['STARTED', 'trig.join']],
    );
    const started = list.find((i) => i.initiator!.signals.some((s) => s.name === 'j/a' && s.seq === '2'))!;
    const run = await env.clients.signal.getRunLineage({
      workflowId: 'trig.join',
      instanceId: started.ref!.instanceId,
    });
    assert.deepEqual(run.consumed.map((c) => `${c.signal!.name}#${c.signal!.seq}`).sort(), [
      'j/a#2',
      'j/b#1',
    ]);
  });

  test('dedup_expr: two fires with the same key start one run; condition false starts none', async () => {
    await push(env.clients, {
      id: 'trig.dedup',
      signal_triggers: [
        {
          definitions: { 'd/x': {} },
          condition: "params.getFromSignal('d/x', 'n') > 0",
          dedup_expr: "'day-' + params.getFromSignal('d/x', 'day')",
        },
      ],
      steps: [noop('a')],
    });
    for (const [n, day] of [
      [1, 1],
      [2, 1],
      [0, 2],
      [3, 3],
    ] as const)
      await env.clients.signal.publishSignal({ name: 'd/x', params: { n: long(n), day: long(day) } });
    await waitInstances(env.clients, 'trig.dedup', 2);
    await quiet(1500);
    assert.equal(
      (await instancesOf(env.clients, 'trig.dedup')).length,
      2,
      'day 1 once, day 2 never, day 3 once',
    );
    const t = await env.clients.signal.getTriggers({ workflowId: 'trig.dedup', nextCount: 0 });
    assert.equal(t.signalTriggers.length, 1);
    assert.equal(t.signalTriggers[0]!.cursors['d/x'], '4');
  });

  test('signal_trigger_disabled and deactivation stop the trigger; only the active version fires', async () => {
    const wf = {
      id: 'trig.off',
      signal_triggers: [{ definitions: { 'off/s': {} } }],
      steps: [noop('a')],
    };
    await push(env.clients, wf, { signal_trigger_disabled: true });
    await quiet(800);
    await env.clients.signal.publishSignal({ name: 'off/s', params: {} });
    await quiet(1500);
    assert.equal((await instancesOf(env.clients, 'trig.off')).length, 0, 'disabled');
    await env.clients.definition.updateProperties({
      workflowId: 'trig.off',
      propertiesJson: JSON.stringify({ signal_trigger_disabled: false }),
    });
    await quiet(800);
    await env.clients.signal.publishSignal({ name: 'off/s', params: {} });
    await waitInstances(env.clients, 'trig.off', 1);
    await env.clients.definition.deactivateWorkflow({ workflowId: 'trig.off' });
    await quiet(800);
    await env.clients.signal.publishSignal({ name: 'off/s', params: {} });
    await quiet(1500);
    assert.equal((await instancesOf(env.clients, 'trig.off')).length, 1, 'deactivated: no more runs');
  });

  test('a signal published before the trigger existed does not fire it', async () => {
    await env.clients.signal.publishSignal({ name: 'early/s', params: {} });
    await quiet(50);
    await push(env.clients, {
      id: 'trig.early',
      signal_triggers: [{ definitions: { 'early/s': {} } }],
      steps: [noop('a')],
    });
    await quiet(1500);
    assert.equal((await instancesOf(env.clients, 'trig.early')).length, 0);
    await env.clients.signal.publishSignal({ name: 'early/s', params: {} });
    const [inst] = await waitInstances(env.clients, 'trig.early', 1);
    assert.equal(inst!.initiator!.signals[0]!.seq, '2');
  });
});

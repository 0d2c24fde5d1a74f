import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { fromParamMap } from '@baton/sdk';
import { push, waitEnd } from '../scheduler/support';
import { useStack } from '../support/stack';
import { waitAllEnded, waitStep } from './support';

const env = useStack({ env: { SIGNAL_TRIGGER_SYNC_MS: '300', SIGNAL_SWEEP_MS: '1000' } });
const long = (v: number) => ({ kind: { $case: 'longValue' as const, value: String(v) } });
const str = (v: string) => ({ kind: { $case: 'stringValue' as const, value: v } });

describe('step signal dependencies and signal outputs', () => {
  test('a step waits (WAITING_FOR_SIGNALS) until its dependency matches; it reads the matched signal', async () => {
    await push(env.clients, {
      id: 'dep.wait',
      params: { day: { type: 'LONG', value: 20240101 } },
      steps: [
        {
          step: {
            id: 'load',
            type: 'NoOp',
            signal_dependencies: [
              {
                name: 'dep/table',
                match_params: { date: { param: { type: 'LONG', expression: 'day' }, operator: '=' } },
              },
            ],
            params: { rows: { type: 'LONG', expression: "params.getFromSignalDependency('0', 'rows')" } },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'dep.wait' });
    const waiting = await waitStep(env.clients, 'dep.wait', st.instanceId, 'load', 'WAITING_FOR_SIGNALS');
    const dep = waiting.steps[0]!.signalDependencies[0]!;
    assert.equal(dep.name, 'dep/table');
    assert.deepEqual(dep.match[0], { param: 'date', operator: '=', value: long(20240101) });
    await env.clients.signal.publishSignal({
      name: 'dep/table',
      params: { date: long(20240102), rows: long(1) },
    });
    await env.clients.signal.publishSignal({
      name: 'dep/table',
      params: { date: long(20240101), rows: long(42) },
    });
    const inst = await waitEnd(env.clients, 'dep.wait', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED');
    const step = (await env.clients.scheduler.getStepRun({ ref: inst.ref, stepId: 'load' })).stepRun!;
    assert.equal(fromParamMap(step.params).rows, 42);
    assert.equal(inst.steps[0]!.signalDependencies[0]!.matched?.seq, '2');
    const lineage = await env.clients.signal.getRunLineage({
      workflowId: 'dep.wait',
      instanceId: st.instanceId,
    });
    assert.deepEqual(
      lineage.consumed.map((l) => [l.relation, l.stepId, l.signal!.seq]),
      [['SATISFIED', 'load', '2']],
    );
  });

  test('a signal published before the step started satisfies it (any instance matches)', async () => {
    await env.clients.signal.publishSignal({ name: 'dep/old', params: { k: str('v') } });
    for (let i = 0; i < 300; i++)
      await env.clients.signal.publishSignal({ name: 'dep/old', params: { k: str('other') } });
    await push(env.clients, {
      id: 'dep.history',
      steps: [
        {
          step: {
            id: 's',
            type: 'NoOp',
            signal_dependencies: [
              {
                name: 'dep/old',
                match_params: { k: { param: { type: 'STRING', value: 'v' }, operator: '=' } },
              },
            ],
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'dep.history' });
    const inst = await waitEnd(env.clients, 'dep.history', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED');
    assert.equal(inst.steps[0]!.signalDependencies[0]!.matched?.seq, '1');
  });

  test('an operator bypasses the wait; stopping a waiting run ends it', async () => {
    await push(env.clients, {
      id: 'dep.bypass',
      steps: [{ step: { id: 's', type: 'NoOp', signal_dependencies: [{ name: 'dep/never' }] } }],
    });
    const a = await env.clients.scheduler.startWorkflow({ workflowId: 'dep.bypass' });
    await waitStep(env.clients, 'dep.bypass', a.instanceId, 's', 'WAITING_FOR_SIGNALS');
    const ref = { workflowId: 'dep.bypass', instanceId: a.instanceId, runId: '0' };
    await env.clients.scheduler.bypassSignalDependencies({
      ref,
      stepId: 's',
      reason: 'data checked by hand',
    });
    const done = await waitEnd(env.clients, 'dep.bypass', a.instanceId);
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(done.steps[0]!.signalDependencies[0]!.bypassed, true);
    const b = await env.clients.scheduler.startWorkflow({ workflowId: 'dep.bypass' });
    await waitStep(env.clients, 'dep.bypass', b.instanceId, 's', 'WAITING_FOR_SIGNALS');
    await env.clients.scheduler.stopInstance({
      ref: { workflowId: 'dep.bypass', instanceId: b.instanceId, runId: '0' },
    });
    assert.equal((await waitEnd(env.clients, 'dep.bypass', b.instanceId)).status, 'STOPPED');
    // The stopped step's wait is gone: a matching signal now changes nothing.
    await env.clients.signal.publishSignal({ name: 'dep/never', params: {} });
  });

  test('a producer step publishes its signal_outputs (and baton_signals from its code); they start a consumer', async () => {
    await push(env.clients, {
      id: 'out.consumer',
      signal_triggers: [
        {
          definitions: { 'out/ready': {} },
          params: { n: { type: 'LONG', expression: "params.getFromSignal('n')" } },
        },
      ],
      params: { n: { type: 'LONG', value: 0 } },
      steps: [{ step: { id: 'a', type: 'NoOp' } }],
    });
    await push(env.clients, {
      id: 'out.producer',
      steps: [
        {
          step: {
            id: 'make',
            type: 'Shell',
            params: {
              script: {
                type: 'STRING',
                value:
                  'echo \'{"rows": 5, "baton_signals": [{"name": "out/extra", "params": {"k": "x"}}]}\' > "$$BATON_OUTPUT_FILE"',
              },
            },
            signal_outputs: [
              {
                name: 'out/ready',
                params: { n: { type: 'LONG', expression: 'rows * 2' } },
                payload: { who: { type: 'STRING', value: 'producer' } },
              },
            ],
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'out.producer' });
    const inst = await waitEnd(env.clients, 'out.producer', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    const [consumer] = await waitAllEnded(env.clients, 'out.consumer', 1);
    assert.equal(fromParamMap(consumer!.params).n, 10);
    const ready = (await env.clients.signal.getSignal({ name: 'out/ready', seq: '0' })).signal!;
    assert.deepEqual(ready.payload, { who: 'producer' });
    assert.equal(ready.producer?.workflowId, 'out.producer');
    assert.deepEqual(
      (await env.clients.signal.getSignal({ name: 'out/extra', seq: '0' })).signal!.params.k,
      str('x'),
    );
    const after = (await env.clients.scheduler.getInstance({ ref: inst.ref })).instance!;
    assert.deepEqual(after.steps[0]!.signalOutputs.map((s) => s.name).sort(), ['out/extra', 'out/ready']);
    const lineage = await env.clients.signal.getRunLineage({
      workflowId: 'out.producer',
      instanceId: st.instanceId,
    });
    assert.deepEqual(lineage.produced.map((l) => l.signal!.name).sort(), ['out/extra', 'out/ready']);
  });

  test('a workflow whose output triggers itself runs again (bounded by its condition)', async () => {
    await push(env.clients, {
      id: 'out.self',
      params: { n: { type: 'LONG', value: 0 } },
      signal_triggers: [
        {
          definitions: { 'self/tick': {} },
          condition: "params.getFromSignal('self/tick', 'n') < 3",
          params: { n: { type: 'LONG', expression: "params.getFromSignal('self/tick', 'n') + 1" } },
        },
      ],
      steps: [
        {
          step: {
            id: 'tick',
            type: 'NoOp',
            signal_outputs: [{ name: 'self/tick', params: { n: { type: 'LONG', expression: 'n' } } }],
          },
        },
      ],
    });
    await env.clients.scheduler.startWorkflow({ workflowId: 'out.self' });
    // Wait for the runs to end: an instance is listed as soon as its number is allocated, before
    // its run (and so its params) is written.
    const list = await waitAllEnded(env.clients, 'out.self', 4);
    assert.deepEqual(list.map((i) => fromParamMap(i.params).n).sort(), [0, 1, 2, 3]);
  });
});

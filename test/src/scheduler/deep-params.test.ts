import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { DEFINITION_LIMITS } from '@baton/model';
import { fromParamValue } from '@baton/sdk';
import { useStack } from '../support/stack';
import { waitEnd } from './support';

// What the server accepts, its own client reads back (issue 15): a MAP param nested as deep as a
// definition may nest came back from GetInstance as "protobuf decode recursion limit exceeded"
// (the generated decoders stopped at 100 message levels; a JSON level costs up to three).
const env = useStack({ services: ['definition', 'scheduler'] });

/** A MAP param whose value is `{"a": {"a": ... 1}}`, `depth` levels (each a MAP param of its own). */
function nested(depth: number): unknown {
  let v: unknown = { type: 'LONG', value: 1 };
  for (let i = 0; i < depth; i++) v = { type: 'MAP', value: { a: v } };
  return v;
}

function depthOf(v: unknown): number {
  let d = 0;
  while (v !== null && typeof v === 'object' && 'a' in (v as object)) {
    v = (v as { a: unknown }).a;
    d++;
  }
  return d;
}

describe('deeply nested params round-trip through every read', () => {
  // The deepest MAP a step's param can hold: the request's own wrapping takes 8 JSON levels, and
  // each level of a MAP param is two (the map and the param).
  const depth = (DEFINITION_LIMITS.maxJsonDepth - 8) / 2;

  test(`a MAP param nested ${depth} levels comes back whole from every read RPC`, async () => {
    const param = nested(depth);
    await env.clients.definition.pushWorkflow({
      definitionJson: JSON.stringify({
        workflow: {
          id: 'deep.params',
          params: { p: param },
          steps: [{ step: { id: 'a', type: 'NoOp', params: { q: param } } }],
        },
      }),
    });
    const s = env.clients.scheduler;
    const st = await s.startWorkflow({ workflowId: 'deep.params' });
    const ref = { workflowId: 'deep.params', instanceId: st.instanceId, runId: '0' };
    const inst = await waitEnd(env.clients, 'deep.params', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.equal(depthOf(fromParamValue(inst.params.p!)), depth, 'GetInstance');
    const list = await s.listInstances({ workflowId: 'deep.params' });
    assert.equal(list.instances.length, 1, 'ListInstances');
    for await (const msg of s.watchInstance({ ref })) {
      assert.equal(depthOf(fromParamValue(msg.instance!.params.p!)), depth, 'WatchInstance');
      break;
    }
    const run = await s.getStepRun({ ref, stepId: 'a' });
    assert.equal(depthOf(fromParamValue(run.stepRun!.params.q!)), depth, 'GetStepRun');
    const steps = await s.listStepRuns({ ref });
    assert.equal(steps.stepRuns.length, 1, 'ListStepRuns');
    const got = await env.clients.definition.getWorkflow({ workflowId: 'deep.params', version: 'latest' });
    assert.ok(got.workflow?.definitionJson.includes('"a"'), 'GetWorkflow');
  });
});

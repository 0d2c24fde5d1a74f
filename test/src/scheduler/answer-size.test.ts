import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { fromParamValue } from '@baton/sdk';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

const env = useStack();

/** Legal outputs: each step writes 900,000 characters, under the 1 MiB output limit. */
const BLOB = 900_000;
const STEPS = ['s1', 's2', 's3', 's4', 's5'];

describe('answers stay under the gRPC message limit (issue 11)', () => {
  test('five steps with 0.9 MB outputs: the run is readable everywhere, each output whole in GetStepRun', async () => {
    await push(env.clients, {
      id: 'size.big',
      steps: STEPS.map((id) => ({
        step: {
          id,
          type: 'Shell',
          params: {
            script: {
              value: `python3 -c 'import json; print(json.dumps({"blob": "x" * ${BLOB}, "small": 7}))' > "$$BATON_OUTPUT_FILE"`,
              type: 'STRING',
            },
          },
        },
      })),
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'size.big' });
    const inst = await waitEnd(env.clients, 'size.big', st.instanceId, 60_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    for (const s of inst.steps) {
      assert.deepEqual(s.omittedOutputs, ['blob'], `${s.stepId} names its large output`);
      assert.equal(s.outputs.blob, undefined);
      assert.equal(fromParamValue(s.outputs.small), 7, 'small outputs are still listed');
    }

    const page = await env.clients.scheduler.listInstances({ workflowId: 'size.big' });
    assert.equal(page.instances.length, 1);
    assert.deepEqual(page.instances[0]!.steps[0]!.omittedOutputs, ['blob']);

    const steps = await env.clients.scheduler.listStepRuns({
      ref: { workflowId: 'size.big', instanceId: st.instanceId },
    });
    assert.deepEqual(
      steps.stepRuns.map((s) => s.omittedOutputs),
      STEPS.map(() => ['blob']),
    );

    let watched = 0;
    for await (const msg of env.clients.scheduler.watchInstance(
      { ref: { workflowId: 'size.big', instanceId: st.instanceId } },
      { signal: AbortSignal.timeout(20_000) },
    )) {
      watched++;
      assert.equal(msg.instance!.steps.length, STEPS.length);
    }
    assert.ok(watched >= 1, 'the watch sent the run');

    for (const stepId of STEPS) {
      const one = await env.clients.scheduler.getStepRun({
        ref: { workflowId: 'size.big', instanceId: st.instanceId },
        stepId,
      });
      const blob = fromParamValue(one.stepRun!.summary!.outputs.blob);
      assert.equal(typeof blob === 'string' ? blob.length : -1, BLOB, `${stepId}'s output arrives whole`);
      assert.deepEqual(one.stepRun!.summary!.omittedOutputs, []);
    }
  });

  test('a page of instances that would not fit in one message ends early and the next page goes on', async () => {
    // Each run holds 5 × 60 KB outputs (under the 64 KiB inline limit, so listed): 300 KB a run,
    // so 20 runs (6 MB) cannot share one page.
    await push(env.clients, {
      id: 'size.many',
      steps: STEPS.map((id) => ({
        step: {
          id,
          type: 'Shell',
          params: {
            script: {
              value: `python3 -c 'import json; print(json.dumps({"blob": "y" * 60000}))' > "$$BATON_OUTPUT_FILE"`,
              type: 'STRING',
            },
          },
        },
      })),
    });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const st = await env.clients.scheduler.startWorkflow({ workflowId: 'size.many' });
      ids.push(st.instanceId);
    }
    for (const id of ids) await waitEnd(env.clients, 'size.many', id, 120_000);
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await env.clients.scheduler.listInstances({
        workflowId: 'size.many',
        pageSize: 50,
        pageToken: token,
      });
      pages++;
      for (const i of page.instances) {
        seen.push(i.ref!.instanceId);
        for (const s of i.steps) assert.equal((fromParamValue(s.outputs.blob) as string).length, 60_000);
      }
      token = page.nextPageToken;
    } while (token);
    assert.ok(pages >= 2, `20 runs of 300 KB came in ${pages} page(s)`);
    assert.deepEqual(
      [...seen].sort((a, b) => Number(a) - Number(b)),
      ids,
      'every run once, none skipped',
    );
  });
});

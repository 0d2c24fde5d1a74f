import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { describe, test } from '@jest/globals';
import { expectCode } from '../support/errors';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

const env = useStack({ services: ['definition', 'scheduler'] });
const sched = () => env.clients.scheduler;
const bool = (value: boolean) => ({ kind: { $case: 'booleanValue' as const, value } });

describe('foreach, while and subworkflow as child instances', () => {
  test('restart after failed iterations reruns exactly those and reuses the rest', async () => {
    await push(env.clients, {
      id: 'loops.retry',
      params: { fail: { value: true, type: 'BOOLEAN' } },
      steps: [
        {
          foreach: {
            id: 'each',
            params: {
              loop_params: { value: { x: { value: [1, 2, 3, 4, 5, 6], type: 'LONG_ARRAY' } }, type: 'MAP' },
            },
            steps: [
              {
                step: {
                  id: 'check',
                  type: 'NoOp',
                  transition: { successors: { ok: 'fail && x % 2 == 0 ? 1 / 0 > 0 : true' } },
                },
              },
              { step: { id: 'ok', type: 'NoOp' } },
            ],
          },
        },
      ],
    });
    const st = await sched().startWorkflow({ workflowId: 'loops.retry' });
    const run1 = await waitEnd(env.clients, 'loops.retry', st.instanceId);
    assert.equal(run1.status, 'FAILED');
    // Iterations are listed from their child instances, paged, with a status filter.
    const ref = { workflowId: 'loops.retry', instanceId: st.instanceId };
    const failed = await sched().listIterations({ ref, stepId: 'each', status: 'FAILED' });
    assert.deepEqual(
      failed.iterations.map((it) => Number(it.index)),
      [1, 3, 5],
    );
    const page1 = await sched().listIterations({ ref, stepId: 'each', pageSize: 4 });
    assert.equal(page1.iterations.length, 4);
    const page2 = await sched().listIterations({
      ref,
      stepId: 'each',
      pageSize: 4,
      pageToken: page1.nextPageToken,
    });
    assert.deepEqual(
      page2.iterations.map((it) => Number(it.index)),
      [4, 5],
    );
    assert.equal(page2.nextPageToken, '');
    const each1 = run1.steps[0];
    assert.equal(each1.iterationCounts.succeeded, '3');
    assert.equal(each1.iterationCounts.failed, '3');
    await sched().restartInstance({
      ref: { workflowId: 'loops.retry', instanceId: st.instanceId },
      runParams: { fail: bool(false) },
    });
    const run2 = await waitEnd(env.clients, 'loops.retry', st.instanceId, 30_000, 2);
    assert.equal(run2.status, 'SUCCEEDED', run2.error);
    const each2 = run2.steps[0];
    assert.equal(each2.iterationCounts.succeeded, '6');
    // Exactly the three failed iterations ran again; the three that succeeded were reused.
    const outputs = each2.outputs.reused?.kind;
    assert.ok(outputs && 'value' in outputs, JSON.stringify(each2.outputs));
    assert.equal(String(outputs.value), '3');
  });

  test('a while loop counts to its condition; a subworkflow runs and its parent waits', async () => {
    await push(env.clients, {
      id: 'loops.child',
      params: { n: { value: 1, type: 'LONG' } },
      steps: [{ step: { id: 'inner', type: 'NoOp' } }],
    });
    await push(env.clients, {
      id: 'loops.parent',
      steps: [
        {
          while: {
            id: 'count',
            condition: 'i < 4',
            params: { loop_params: { value: { i: { value: 0, type: 'LONG' } }, type: 'MAP' } },
            steps: [
              { step: { id: 'bump', type: 'NoOp', params: { i: { expression: 'i + 1', type: 'LONG' } } } },
            ],
            transition: { successors: { sub: 'true' } },
          },
        },
        {
          subworkflow: {
            id: 'sub',
            params: {
              subworkflow_id: { value: 'loops.child', type: 'STRING' },
              subworkflow_version: { value: 'latest', type: 'STRING' },
            },
          },
        },
      ],
    });
    const st = await sched().startWorkflow({ workflowId: 'loops.parent' });
    const inst = await waitEnd(env.clients, 'loops.parent', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    const count = inst.steps.find((s) => s.stepId === 'count')!;
    assert.match(count.error, /after 4 iterations/);
    assert.equal(inst.steps.find((s) => s.stepId === 'sub')!.status, 'SUCCEEDED');
  });

  test('a subworkflow that does not exist fails its step with a clear message', async () => {
    await push(env.clients, {
      id: 'loops.missing',
      steps: [
        {
          subworkflow: {
            id: 'sub',
            params: { subworkflow_id: { value: 'no.such.workflow', type: 'STRING' } },
          },
        },
      ],
    });
    const st = await sched().startWorkflow({ workflowId: 'loops.missing' });
    const inst = await waitEnd(env.clients, 'loops.missing', st.instanceId);
    assert.equal(inst.status, 'FAILED');
    assert.match(inst.steps[0].error, /no\.such\.workflow/);
  });
});

describe('nested levels in GetInstance', () => {
  test('step_counts rolls up leaf steps across foreach and subworkflow levels; parents and children link both ways', async () => {
    const each = (id: string, n: number, inner: unknown) => ({
      foreach: {
        id,
        params: {
          loop_params: {
            value: { i: { expression: `Util.intsBetween(0, ${n}, 1)`, type: 'LONG_ARRAY' } },
            type: 'MAP',
          },
        },
        steps: [inner],
      },
    });
    // Each t.roll.sub run has 3 leaves (a, and x twice); t.roll.top runs it 3 times, then 'done'.
    await push(env.clients, {
      id: 't.roll.sub',
      steps: [{ step: { id: 'a', type: 'NoOp' } }, each('inner', 2, { step: { id: 'x', type: 'NoOp' } })],
    });
    await push(env.clients, {
      id: 't.roll.top',
      steps: [
        each('each', 3, {
          subworkflow: { id: 'call', params: { subworkflow_id: { value: 't.roll.sub', type: 'STRING' } } },
        }),
        { step: { id: 'done', type: 'NoOp' } },
      ],
    });
    const st = await sched().startWorkflow({ workflowId: 't.roll.top' });
    const top = await waitEnd(env.clients, 't.roll.top', st.instanceId);
    assert.equal(top.status, 'SUCCEEDED', top.error);
    assert.deepEqual(top.stepCounts, { SUCCEEDED: '10' });
    assert.equal(top.parentKey, '');
    const topKey = top.key;
    assert.equal(topKey, `t.roll.top:${st.instanceId}:1`);

    // Down: the iterations, each a child instance addressed by its key.
    const its = await sched().listIterations({ ref: top.ref, stepId: 'each' });
    assert.equal(its.iterations.length, 3);
    const iteration = (await sched().getInstance({ key: its.iterations[1].childKey })).instance!;
    assert.equal(iteration.key, its.iterations[1].childKey);
    assert.equal(iteration.parentKey, topKey);
    assert.equal(iteration.parentStepId, 'each');
    assert.deepEqual(iteration.stepCounts, { SUCCEEDED: '3' });
    // ...whose subworkflow step names its child, which names the iteration as its parent.
    const call = iteration.steps.find((s) => s.stepId === 'call')!;
    assert.ok(call.childKey, 'the subworkflow step names its child');
    const sub = (await sched().getInstance({ key: call.childKey })).instance!;
    assert.equal(sub.ref?.workflowId, 't.roll.sub');
    assert.equal(sub.parentKey, iteration.key);
    assert.deepEqual(sub.stepCounts, { SUCCEEDED: '3' });

    // Bad input: an unknown key is NOT_FOUND, ref and key together are INVALID_ARGUMENT.
    await expectCode(sched().getInstance({ key: `${topKey}:each:99` }), 'NOT_FOUND');
    await expectCode(sched().getInstance({ key: topKey, ref: top.ref }), 'INVALID_ARGUMENT');
  });
});

describe('getFromForeach', () => {
  test('returns the per-iteration values in iteration order', async () => {
    await push(env.clients, {
      id: 'loops.collect',
      steps: [
        {
          foreach: {
            id: 'each',
            params: { loop_params: { value: { x: { value: [3, 1, 2], type: 'LONG_ARRAY' } }, type: 'MAP' } },
            steps: [
              { step: { id: 'square', type: 'NoOp', params: { sq: { expression: 'x * x', type: 'LONG' } } } },
            ],
            transition: { successors: { sum: 'true' } },
          },
        },
        {
          step: {
            id: 'sum',
            type: 'NoOp',
            params: {
              all: { expression: 'params.getFromForeach("each", "square", "sq")', type: 'LONG_ARRAY' },
            },
          },
        },
      ],
    });
    const st = await sched().startWorkflow({ workflowId: 'loops.collect' });
    const inst = await waitEnd(env.clients, 'loops.collect', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    const step = await sched().getStepRun({
      ref: { workflowId: 'loops.collect', instanceId: st.instanceId },
      stepId: 'sum',
    });
    const all = step.stepRun!.params.all.kind;
    assert.ok(all?.$case === 'longArray', JSON.stringify(step.stepRun!.params.all));
    assert.deepEqual(all.value.values.map(Number), [9, 1, 4]);
  });
});

describe('foreach under crashes', () => {
  test('kill -9 the scheduler repeatedly during a 10,000-iteration foreach: no iteration lost or created twice', async () => {
    const n = 10_000;
    await push(
      env.clients,
      {
        id: 'loops.crash',
        steps: [
          {
            foreach: {
              id: 'each',
              concurrency: 100,
              params: {
                loop_params: {
                  value: { i: { expression: `Util.intsBetween(0, ${n}, 1)`, type: 'LONG_ARRAY' } },
                  type: 'MAP',
                },
              },
              steps: [{ step: { id: 'n', type: 'NoOp' } }],
            },
          },
        ],
      },
      { owner: 'tests', run_strategy: 'parallel' },
    );
    const st = await sched().startWorkflow({ workflowId: 'loops.crash' });
    const svc = env.stack.services.scheduler;
    let midRun = 0;
    for (let k = 0; k < 3; k++) {
      // Mid-run: a foreach of 10,000 NoOp iterations takes ~10 s here.
      await new Promise((r) => setTimeout(r, 800 + k * 500));
      const at = await sched().getInstance({ ref: { workflowId: 'loops.crash', instanceId: st.instanceId } });
      if (at.instance?.status === 'IN_PROGRESS') midRun++;
      svc.kill9();
      await svc.exited();
      await svc.start();
    }
    assert.ok(midRun >= 2, `only ${midRun} of 3 kills hit the running foreach`);
    const inst = await waitEnd(env.clients, 'loops.crash', st.instanceId, 300_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    const counts = inst.steps[0].iterationCounts;
    assert.equal(counts.total, String(n));
    assert.equal(counts.succeeded, String(n));
    assert.equal(counts.failed, '0');
    // Child instances are unique inserts keyed by parent, step and iteration: exactly n exist.
    const mongo = new MongoClient(env.stack.mongoUrl);
    try {
      const prefix = `loops.crash:${st.instanceId}:1:each:`;
      const heads = await mongo
        .db()
        .collection<{ _id: string; kind: string }>('instances')
        .find({ kind: 'run' })
        .project({ _id: 1 })
        .toArray();
      const children = heads.filter((h) => h._id.startsWith(prefix));
      assert.equal(children.length, n);
      assert.equal(new Set(children.map((c) => c._id)).size, n);
    } finally {
      await mongo.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { MongoClient } from 'mongodb';
import { useStack } from '../support/stack';
import { push, sleep, waitEnd } from './support';

// The sweeper runs once at start-up and then not for ten minutes: every run here must finish on
// its own events and wake-ups, none stranded until a sweep finds it. The loop limits are lowered
// through the scheduler's settings.
const env = useStack({
  services: ['definition', 'scheduler'],
  env: {
    SCHEDULER_SWEEP_MS: '600000',
    SCHEDULER_MAX_FOREACH_ITERATIONS: '50',
    SCHEDULER_MAX_WHILE_ITERATIONS: '150',
  },
});
const sched = () => env.clients.scheduler;

const whileUpTo = (id: string, n: number) => ({
  id,
  steps: [
    {
      while: {
        id: 'loop',
        condition: `i < ${n}`,
        params: { loop_params: { value: { i: { value: 0, type: 'LONG' } }, type: 'MAP' } },
        steps: [{ step: { id: 'bump', type: 'NoOp', params: { i: { expression: 'i + 1', type: 'LONG' } } } }],
      },
    },
  ],
});

const foreachOf = (id: string, n: number, body: unknown[]) => ({
  id,
  steps: [
    {
      foreach: {
        id: 'each',
        concurrency: 10,
        params: {
          loop_params: {
            value: { i: { expression: `Util.intsBetween(0, ${n}, 1)`, type: 'LONG_ARRAY' } },
            type: 'MAP',
          },
        },
        steps: body,
      },
    },
  ],
});

describe('progress without the sweeper', () => {
  test('a while loop of 120 iterations ends: reports that arrive while the lock is held are not stranded', async () => {
    // One engine pass takes at most 50 decisions, then hands the rest to the ready queue while
    // it still holds the lock: the next pass must not wait for a sweep.
    await push(env.clients, whileUpTo('ns.while', 120), { owner: 'tests', run_strategy: 'parallel' });
    const st = await sched().startWorkflow({ workflowId: 'ns.while' });
    const inst = await waitEnd(env.clients, 'ns.while', st.instanceId, 120_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.equal(inst.steps[0].iterationCounts.succeeded, '120');
  });

  test('a foreach of timer-waiting iterations ends, and its runs leave live_runs', async () => {
    await push(env.clients, foreachOf('ns.each', 40, [sleep('wait', 0)]), {
      owner: 'tests',
      run_strategy: 'parallel',
    });
    const st = await sched().startWorkflow({ workflowId: 'ns.each' });
    const inst = await waitEnd(env.clients, 'ns.each', st.instanceId, 120_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.equal(inst.steps[0].iterationCounts.succeeded, '40');
    // Every iteration outlived its creation (a timer), so each had a live entry; ended, none is left.
    const mongo = new MongoClient(env.stack.mongoUrl);
    try {
      const prefix = `ns.each:${st.instanceId}:`;
      await waitFor(
        async () =>
          (await mongo.db().collection<{ _id: string }>('live_runs').find({}).toArray()).every(
            (d) => !d._id.startsWith(prefix),
          ),
        { timeoutMs: 10_000, intervalMs: 100, what: 'live_runs to drop the ended runs' },
      );
    } finally {
      await mongo.close();
    }
  });

  test('the loop limits come from the scheduler settings', async () => {
    await push(env.clients, foreachOf('ns.toomany', 51, [{ step: { id: 'n', type: 'NoOp' } }]));
    const fe = await sched().startWorkflow({ workflowId: 'ns.toomany' });
    const a = await waitEnd(env.clients, 'ns.toomany', fe.instanceId);
    assert.equal(a.status, 'FAILED');
    assert.match(a.steps[0].error, /foreach has 51 iterations, over the limit of 50/);

    await push(env.clients, whileUpTo('ns.endless', 1000));
    const wh = await sched().startWorkflow({ workflowId: 'ns.endless' });
    const b = await waitEnd(env.clients, 'ns.endless', wh.instanceId, 120_000);
    assert.equal(b.status, 'FAILED');
    assert.match(b.steps[0].error, /while loop exceeded 150 iterations/);
  });
});

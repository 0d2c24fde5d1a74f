import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { useStack } from '../support/stack';
import { noop, push, sleep, statuses, waitEnd } from './support';

// Fast sweeps so recovery from a lost Redis is quick in tests.
const env = useStack({ services: ['definition', 'scheduler'], env: { SCHEDULER_SWEEP_MS: '300' } });

/** A 40-step DAG of short Sleeps and NoOps in 4 lanes joined at the end. */
function laneWorkflow(id: string) {
  const steps: unknown[] = [noop('start', { l0s0: 'true', l1s0: 'true', l2s0: 'true', l3s0: 'true' })];
  for (let lane = 0; lane < 4; lane++) {
    for (let i = 0; i < 9; i++) {
      const next = i < 8 ? `l${lane}s${i + 1}` : 'end';
      steps.push(
        i % 3 === 1
          ? sleep(`l${lane}s${i}`, 0, { [next]: 'true' })
          : noop(`l${lane}s${i}`, { [next]: 'true' }),
      );
    }
  }
  steps.push({ step: { id: 'end', type: 'Join' } });
  // Sleep 0 still goes through the timer path (a decision per wake-up).
  return { id, steps };
}

async function startMany(workflowId: string, n: number, tag = ''): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      (await env.clients.scheduler.startWorkflow({ workflowId, requestId: `${workflowId}-${tag}${i}` }))
        .instanceId,
    );
  }
  return ids;
}

describe('scheduler under crashes (every run ends as an undisturbed run would)', () => {
  test('reference: an undisturbed run', async () => {
    await push(env.clients, laneWorkflow('chaos.lanes'));
    const [id] = await startMany('chaos.lanes', 1);
    const inst = await waitEnd(env.clients, 'chaos.lanes', id);
    assert.equal(inst.status, 'SUCCEEDED');
    assert.ok(Object.values(statuses(inst)).every((s) => s === 'SUCCEEDED'));
  });

  test('kill -9 the scheduler repeatedly while 10 runs execute', async () => {
    await push(env.clients, laneWorkflow('chaos.kill'));
    const ids = await startMany('chaos.kill', 10);
    const svc = env.stack.services.scheduler;
    for (let k = 0; k < 5; k++) {
      await new Promise((r) => setTimeout(r, 150 + k * 40));
      svc.kill9();
      await svc.exited();
      await svc.start();
    }
    for (const id of ids) {
      const inst = await waitEnd(env.clients, 'chaos.kill', id, 60_000);
      assert.equal(inst.status, 'SUCCEEDED', `instance ${id}`);
      assert.ok(
        Object.values(statuses(inst)).every((s) => s === 'SUCCEEDED'),
        JSON.stringify(statuses(inst)),
      );
    }
  });

  test('FLUSHALL mid-run: the sweeper rebuilds the queues from MongoDB', async () => {
    await push(env.clients, {
      id: 'chaos.flush',
      steps: [sleep('a', 1, { b: 'true' }), noop('b', { c: 'true' }), sleep('c', 1)],
    });
    const ids = await startMany('chaos.flush', 5);
    await new Promise((r) => setTimeout(r, 300));
    await env.stack.redis!.flushAll();
    for (const id of ids)
      assert.equal((await waitEnd(env.clients, 'chaos.flush', id, 30_000)).status, 'SUCCEEDED');
  });

  test('FLUSHALL repeatedly during a foreach whose iterations wait on timers: exact counts', async () => {
    // Sleep iterations outlive their creation: they report through the child_events inbox, and
    // their wake-ups live in Redis — all of it rebuilt by the sweeper after each flush.
    await push(
      env.clients,
      {
        id: 'chaos.each',
        steps: [
          {
            foreach: {
              id: 'each',
              concurrency: 50,
              params: {
                loop_params: {
                  value: { i: { expression: 'Util.intsBetween(0, 300, 1)', type: 'LONG_ARRAY' } },
                  type: 'MAP',
                },
              },
              steps: [sleep('wait', 0, { after: 'true' }), noop('after')],
            },
          },
        ],
      },
      { owner: 'tests', run_strategy: 'parallel' },
    );
    const [id] = await startMany('chaos.each', 1);
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setTimeout(r, 400));
      // Every master of a cluster (BATON_TEST_REDIS=cluster), or the one redis-server.
      await env.stack.redis!.flushAll();
    }
    const inst = await waitEnd(env.clients, 'chaos.each', id, 120_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.deepEqual(
      { ...inst.steps[0].iterationCounts },
      { total: '300', launched: '300', running: '0', succeeded: '300', failed: '0', stopped: '0' },
    );
    assert.deepEqual(inst.stepCounts, { SUCCEEDED: '600' });
  });

  test('redis-server restarted mid-run', async () => {
    const ids = await startMany('chaos.flush', 3, 'redis');
    await new Promise((r) => setTimeout(r, 200));
    await env.stack.redis!.restart();
    for (const id of ids)
      assert.equal((await waitEnd(env.clients, 'chaos.flush', id, 30_000)).status, 'SUCCEEDED');
  });

  test('FerretDB restarted mid-run', async () => {
    const ids = await startMany('chaos.flush', 3, 'ferret');
    await new Promise((r) => setTimeout(r, 300));
    env.stack.ferret!.kill9();
    await env.stack.ferret!.restart();
    for (const id of ids)
      assert.equal((await waitEnd(env.clients, 'chaos.flush', id, 60_000)).status, 'SUCCEEDED');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { withRedis } from '@baton/testing';
import { useStack } from '../support/stack';
import { waitInstances } from '../signal/support';
import { noop, push, sleep, statuses, waitEnd } from './support';

// Baton on a real 3-master Redis Cluster (REDIS_URL redis+cluster://...): a representative run of
// what touches Redis — a DAG dispatching Shell steps to two pools (streams on different slots, read
// by one step-runtime), a foreach and a subworkflow, permits (the gate is its own slot), a signal
// trigger starting a run, WatchInstance — then kill -9 of one master and its restart. The whole
// engine and chaos suites run on a cluster with BATON_TEST_REDIS=cluster; this file keeps CI on it.
const env = useStack({
  redis: 'cluster',
  env: {
    SCHEDULER_SWEEP_MS: '500',
    SIGNAL_SWEEP_MS: '1000',
    STEP_RUNTIME_POOLS: 'default,gpu',
    STEP_RUNTIME_LEASE_MS: '3000',
  },
});

const long = (v: number) => ({ kind: { $case: 'longValue' as const, value: String(v) } });

const shell = (id: string, script: string, extra: Record<string, unknown> = {}, successors = {}) => ({
  step: {
    id,
    type: 'Shell',
    params: { script: { value: script, type: 'STRING' }, ...extra },
    ...(Object.keys(successors).length ? { transition: { successors } } : {}),
  },
});

/** Every key on each master, by master (a cluster client's SCAN would see one node). */
async function keysByMaster(): Promise<string[][]> {
  return Promise.all(env.stack.redisCluster!.nodes.map((n) => withRedis(n.port, (r) => r.keys('*'), 2000)));
}

describe('Baton on a 3-master Redis Cluster', () => {
  test('a DAG with two pools, a foreach, a subworkflow and permits succeeds; its keys spread over the masters', async () => {
    await env.clients.scheduler.setTagPermit({ tag: 'cluster-gpu', maxAllowed: 1 });
    await push(env.clients, {
      id: 'cl.child',
      steps: [shell('inner', 'echo child')],
    });
    await push(
      env.clients,
      {
        id: 'cl.dag',
        steps: [
          shell('prep', 'echo prep', {}, { each: 'true', sub: 'true', gpu: 'true' }),
          {
            foreach: {
              id: 'each',
              concurrency: 5,
              params: {
                loop_params: {
                  value: { i: { expression: 'Util.intsBetween(0, 12, 1)', type: 'LONG_ARRAY' } },
                  type: 'MAP',
                },
              },
              steps: [shell('work', 'echo $i'), noop('after')],
            },
          },
          {
            subworkflow: {
              id: 'sub',
              params: {
                subworkflow_id: { value: 'cl.child', type: 'STRING' },
                subworkflow_version: { value: 'latest', type: 'STRING' },
              },
            },
          },
          {
            step: {
              id: 'gpu',
              type: 'Shell',
              tags: ['cluster-gpu'],
              params: {
                script: { value: 'echo gpu', type: 'STRING' },
                pool: { value: 'gpu', type: 'STRING' },
              },
            },
          },
        ],
      },
      { owner: 'tests', run_strategy: 'parallel', step_concurrency: 3 },
    );
    const ids = await Promise.all(
      [0, 1, 2].map(
        async () => (await env.clients.scheduler.startWorkflow({ workflowId: 'cl.dag' })).instanceId,
      ),
    );
    for (const id of ids) {
      const inst = await waitEnd(env.clients, 'cl.dag', id, 60_000);
      assert.equal(inst.status, 'SUCCEEDED', inst.error);
      assert.deepEqual(statuses(inst), {
        prep: 'SUCCEEDED',
        each: 'SUCCEEDED',
        sub: 'SUCCEEDED',
        gpu: 'SUCCEEDED',
      });
      assert.equal(inst.steps.find((s) => s.stepId === 'each')!.iterationCounts?.succeeded, '12');
    }
    // The keys left behind (work streams of two pools, definition stamps, the permit gate's marks,
    // the change stream) are on more than one master: coordination is not one shard.
    const byMaster = await keysByMaster();
    const holding = byMaster.filter((keys) => keys.length > 0);
    assert.ok(holding.length >= 2, `keys on ${holding.length} master(s): ${JSON.stringify(byMaster)}`);
    const all = byMaster.flat();
    for (const k of ['{baton:work:default}', '{baton:work:gpu}', '{baton:def-stamp:cl.dag}'])
      assert.ok(all.includes(k), `${k} in ${JSON.stringify(all)}`);
    assert.ok(
      all.some((k) => k.startsWith('{baton:permits}:')),
      'the permit gate wrote its keys',
    );
  });

  test('a signal starts a run; WatchInstance follows a run to its end', async () => {
    await push(env.clients, {
      id: 'cl.signalled',
      signal_triggers: [{ definitions: { 'cl/landed': {} } }],
      steps: [sleep('nap', 1)],
    });
    // Published right after the push, as in the signal suites: an instance published before the
    // trigger is known still fires it once the registry follows the push.
    await env.clients.signal.publishSignal({
      name: 'cl/landed',
      params: { day: long(1) },
      requestId: 'cl-1',
    });
    const [started] = await waitInstances(env.clients, 'cl.signalled', 1, 30_000);
    const seen: string[] = [];
    for await (const msg of env.clients.scheduler.watchInstance(
      { ref: { workflowId: 'cl.signalled', instanceId: started!.ref!.instanceId } },
      { signal: AbortSignal.timeout(30_000) },
    )) {
      seen.push(msg.instance!.status);
    }
    assert.equal(seen[seen.length - 1], 'SUCCEEDED', seen.join());
  });

  test('kill -9 of one master mid-run and its restart (slots back, data gone): every run succeeds', async () => {
    await push(
      env.clients,
      {
        id: 'cl.chaos',
        steps: [sleep('a', 1, { b: 'true' }), shell('b', 'sleep 0.5', {}, { c: 'true' }), sleep('c', 1)],
      },
      { owner: 'tests', run_strategy: 'parallel' },
    );
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await env.clients.scheduler.startWorkflow({ workflowId: 'cl.chaos' })).instanceId);
    await new Promise((r) => setTimeout(r, 300));
    const victim = env.stack.redisCluster!.nodes[1]!;
    victim.kill9();
    await new Promise((r) => setTimeout(r, 500));
    await victim.restart();
    await env.stack.redisCluster!.waitReady();
    for (const id of ids) {
      const inst = await waitEnd(env.clients, 'cl.chaos', id, 90_000);
      assert.equal(inst.status, 'SUCCEEDED', `${id}: ${inst.error}`);
    }
  });
});

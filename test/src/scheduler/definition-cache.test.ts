import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { createRedisClient, scanKeys } from '@baton/kit';
import { useStack } from '../support/stack';
import { push, sleep } from './support';

const env = useStack({ services: ['definition', 'scheduler'] });

const wf = (note: string) => ({
  id: 'cache.wf',
  description: note,
  steps: [{ step: { id: 'a', type: 'NoOp' } }],
});

/** Lets the workflow's definition stamp settle, so the scheduler reuses what it resolved. */
const settle = () => new Promise((r) => setTimeout(r, 1200));

async function startedVersion(): Promise<string> {
  return (await env.clients.scheduler.startWorkflow({ workflowId: 'cache.wf' })).workflowVersion;
}

describe('the scheduler reuses resolved definitions only while they are current', () => {
  test('a start right after a push, an activation or a Redis loss runs what is current', async () => {
    await push(env.clients, wf('one'));
    await settle();
    assert.equal(await startedVersion(), '1');
    assert.equal(await startedVersion(), '1', 'reused');

    await push(env.clients, wf('two'));
    assert.equal(await startedVersion(), '2', 'the push is seen at once');

    await settle();
    assert.equal(await startedVersion(), '2');
    await env.clients.definition.activateVersion({ workflowId: 'cache.wf', version: '1' });
    assert.equal(await startedVersion(), '1', 'the activation is seen at once');

    await settle();
    assert.equal(await startedVersion(), '1');
    await env.stack.redis!.flushAll();
    await push(env.clients, wf('three'));
    assert.equal(await startedVersion(), '3', 'after a FLUSHALL the next push is seen at once');
    await env.stack.redis!.flushAll();
    assert.equal(await startedVersion(), '3', 'a lost stamp is not a change, and not a stale hit');
  });

  test('starts of workflows that do not exist leave nothing in Redis', async () => {
    const redis = createRedisClient(env.stack.redisUrl);
    try {
      for (const workflowId of ['cache.none', `cache.${'x'.repeat(100_000)}`, 'cache.$(id)"\'']) {
        const err = await env.clients.scheduler.startWorkflow({ workflowId }).then(
          () => undefined,
          (e: unknown) => e as { code?: string },
        );
        assert.ok(err && err.code !== 'INTERNAL', `${workflowId.slice(0, 20)}: ${err?.code}`);
      }
      const stamps: string[] = [];
      await scanKeys(redis, '{baton:def-stamp:cache.*', 100, (keys) => {
        stamps.push(...keys);
      });
      assert.deepEqual(stamps, ['{baton:def-stamp:cache.wf}']);
    } finally {
      redis.disconnect();
    }
  });

  test('new properties are seen by the next start', async () => {
    // Runs that last: under SEQUENTIAL a second start queues behind the first.
    await push(
      env.clients,
      { id: 'cache.props', steps: [sleep('s', 60)] },
      { run_strategy: { rule: 'SEQUENTIAL' } },
    );
    await settle();
    assert.equal(
      (await env.clients.scheduler.startWorkflow({ workflowId: 'cache.props' })).status,
      'IN_PROGRESS',
    );
    await settle();
    // Resolved under a settled stamp: this start and later ones reuse it.
    assert.equal(
      (await env.clients.scheduler.startWorkflow({ workflowId: 'cache.props' })).status,
      'CREATED',
    );
    await env.clients.definition.updateProperties({
      workflowId: 'cache.props',
      propertiesJson: JSON.stringify({ run_strategy: { rule: 'PARALLEL', workflow_concurrency: 50 } }),
    });
    // PARALLEL with room: every start admits itself at once, whatever is still running.
    for (let i = 0; i < 5; i++) {
      const st = await env.clients.scheduler.startWorkflow({ workflowId: 'cache.props' });
      assert.equal(st.status, 'IN_PROGRESS', `start ${i} ran under the new properties`);
    }
  });
});

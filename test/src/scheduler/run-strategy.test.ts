import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { expectCode } from '../support/errors';
import { useStack } from '../support/stack';
import { noop, push, sleep, waitEnd } from './support';

const env = useStack({ services: ['definition', 'scheduler'] });
const sched = () => env.clients.scheduler;

async function statusOf(workflowId: string, instanceId: string): Promise<string> {
  return (await sched().getInstance({ ref: { workflowId, instanceId } })).instance!.status;
}

async function pushWith(id: string, runStrategy: unknown, steps: unknown[]) {
  await push(env.clients, { id, steps }, { owner: 'tests', run_strategy: runStrategy });
}

async function startN(workflowId: string, n: number): Promise<string[]> {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await sched().startWorkflow({ workflowId })).instanceId);
  return ids;
}

describe('run strategies', () => {
  test('SEQUENTIAL (default): one at a time, FIFO; queued instances are CREATED', async () => {
    await push(env.clients, { id: 'rs.seq', steps: [sleep('nap', 1)] });
    const first = await sched().startWorkflow({ workflowId: 'rs.seq' });
    const second = await sched().startWorkflow({ workflowId: 'rs.seq' });
    assert.equal(first.status, 'IN_PROGRESS');
    assert.equal(second.status, 'CREATED');
    assert.equal(await statusOf('rs.seq', second.instanceId), 'CREATED');
    const a = await waitEnd(env.clients, 'rs.seq', first.instanceId);
    const b = await waitEnd(env.clients, 'rs.seq', second.instanceId);
    assert.equal(b.status, 'SUCCEEDED');
    assert.ok(+b.startedAt! >= +a.endedAt!, 'the second started after the first ended');
  });

  test('PARALLEL with workflow_concurrency 2: two run, the third waits', async () => {
    await pushWith('rs.par', { rule: 'parallel', workflow_concurrency: 2 }, [sleep('nap', 1)]);
    const ids = await startN('rs.par', 3);
    assert.deepEqual(await Promise.all(ids.map((i) => statusOf('rs.par', i))), [
      'IN_PROGRESS',
      'IN_PROGRESS',
      'CREATED',
    ]);
    for (const id of ids) assert.equal((await waitEnd(env.clients, 'rs.par', id)).status, 'SUCCEEDED');
  });

  test('FIRST_ONLY: a start while one runs is stopped', async () => {
    await pushWith('rs.first', 'first_only', [sleep('nap', 1)]);
    const [a, b] = await startN('rs.first', 2);
    assert.equal((await waitEnd(env.clients, 'rs.first', b)).status, 'STOPPED');
    assert.equal((await waitEnd(env.clients, 'rs.first', a)).status, 'SUCCEEDED');
  });

  test('LAST_ONLY: a new start stops the running one', async () => {
    await pushWith('rs.last', 'last_only', [sleep('nap', 30)]);
    const [a] = await startN('rs.last', 1);
    await waitFor(async () => (await statusOf('rs.last', a)) === 'IN_PROGRESS', {
      timeoutMs: 10_000,
      what: 'a running',
    });
    const [b] = await startN('rs.last', 1);
    assert.equal((await waitEnd(env.clients, 'rs.last', a)).status, 'STOPPED');
    assert.equal(await statusOf('rs.last', b), 'IN_PROGRESS');
    await sched().stopInstance({ ref: { workflowId: 'rs.last', instanceId: b } });
  });

  test('STRICT_SEQUENTIAL: a failure blocks the queue until unblocked', async () => {
    await pushWith('rs.strict', 'strict_sequential', [
      noop('a', { b: 'params.get("fail") == true ? 1 / 0 > 0 : true' }),
      noop('b'),
    ]);
    const failing = await sched().startWorkflow({
      workflowId: 'rs.strict',
      runParams: { fail: { kind: { $case: 'booleanValue', value: true } } },
    });
    assert.equal((await waitEnd(env.clients, 'rs.strict', failing.instanceId)).status, 'FAILED');
    const next = await sched().startWorkflow({ workflowId: 'rs.strict' });
    assert.equal(next.status, 'CREATED');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await statusOf('rs.strict', next.instanceId), 'CREATED', 'blocked behind the failure');
    const res = await sched().unblockWorkflow({ workflowId: 'rs.strict' });
    assert.equal(res.unblockedInstanceId, failing.instanceId);
    assert.equal((await waitEnd(env.clients, 'rs.strict', next.instanceId)).status, 'SUCCEEDED');
    await expectCode(sched().unblockWorkflow({ workflowId: 'rs.strict' }), 'FAILED_PRECONDITION');
  });

  test('SERIAL_LATEST_ONLY: only the newest queued instance runs next', async () => {
    await pushWith('rs.latest', 'serial_latest_only', [sleep('nap', 1)]);
    const [a, b, c] = await startN('rs.latest', 3);
    assert.equal((await waitEnd(env.clients, 'rs.latest', a)).status, 'SUCCEEDED');
    assert.equal((await waitEnd(env.clients, 'rs.latest', b)).status, 'STOPPED');
    assert.equal((await waitEnd(env.clients, 'rs.latest', c)).status, 'SUCCEEDED');
  });
});

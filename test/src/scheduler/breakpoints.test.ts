import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { Instance } from '@baton/proto';
import { waitFor } from '@baton/testing';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';
import { noop, push, statuses, waitEnd } from './support';

// Step breakpoints end to end, as Maestro has them: a matching attempt pauses before it starts
// (every foreach iteration too), ResumeStep lets one go on, DeleteBreakpoint lets them all go on —
// and a kill -9 of the scheduler skips none.
const env = useStack({ services: ['definition', 'scheduler'] });

const PARALLEL = { run_strategy: { rule: 'parallel', workflow_concurrency: 10 } };

async function run(workflowId: string, instanceId: string, key = ''): Promise<Instance> {
  const res = key
    ? await env.clients.scheduler.getInstance({ key })
    : await env.clients.scheduler.getInstance({ ref: { workflowId, instanceId, runId: '0' } });
  return res.instance!;
}

async function seePaused(
  workflowId: string,
  instanceId: string,
  stepId: string,
  key = '',
): Promise<Instance> {
  let inst: Instance | undefined;
  await waitFor(
    async () => {
      inst = await run(workflowId, instanceId, key);
      return inst.steps.some((s) => s.stepId === stepId && s.status === 'PAUSED');
    },
    {
      timeoutMs: 20_000,
      intervalMs: 25,
      what: `${stepId} of ${key || `${workflowId}/${instanceId}`} to pause`,
    },
  );
  return inst!;
}

async function expectInvalid(p: Promise<unknown>, field: string): Promise<void> {
  const err = await expectCode(p, 'INVALID_ARGUMENT');
  assert.deepEqual(fields(err), [field], err.message);
}

const s = () => env.clients.scheduler;
const set = (workflowId: string, stepId: string, scope: { instanceId?: string; attempt?: number } = {}) =>
  s().setBreakpoint({
    workflowId,
    stepId,
    version: '0',
    instanceId: scope.instanceId ?? '0',
    runId: '0',
    attempt: scope.attempt ?? 0,
  });

describe('step breakpoints', () => {
  test('a step pauses before it starts; ResumeStep lets it go on; the run succeeds', async () => {
    await push(env.clients, { id: 'bp.chain', steps: [noop('a', { b: 'true' }), noop('b')] });
    const bp = (await set('bp.chain', 'b')).breakpoint!;
    assert.equal(bp.id, 'bp.chain:b:*:*:*:*');
    const st = await s().startWorkflow({ workflowId: 'bp.chain' });
    const paused = await seePaused('bp.chain', st.instanceId, 'b');
    const b = paused.steps.find((x) => x.stepId === 'b')!;
    assert.equal(b.breakpointId, bp.id);
    assert.equal(paused.status, 'IN_PROGRESS');
    assert.equal(statuses(paused).a, 'SUCCEEDED');
    const again = await set('bp.chain', 'b');
    assert.equal(again.breakpoint!.id, bp.id, 'setting the same scope twice is one breakpoint');
    assert.equal((await s().listBreakpoints({ workflowId: 'bp.chain' })).breakpoints.length, 1);
    const res = await s().resumeStep({
      ref: { workflowId: 'bp.chain', instanceId: st.instanceId, runId: '0' },
      stepId: 'b',
      attempt: 0,
      reason: 'looked at it',
      key: '',
      requestId: '',
    });
    assert.equal(res.status, 'PAUSED');
    assert.equal((await waitEnd(env.clients, 'bp.chain', st.instanceId)).status, 'SUCCEEDED');
    // The breakpoint stays: the next run pauses there too.
    const st2 = await s().startWorkflow({ workflowId: 'bp.chain' });
    await seePaused('bp.chain', st2.instanceId, 'b');
    const del = await s().deleteBreakpoint({ workflowId: 'bp.chain', id: bp.id });
    assert.deepEqual(del, { deleted: true, resumed: 1 });
    assert.equal((await waitEnd(env.clients, 'bp.chain', st2.instanceId)).status, 'SUCCEEDED');
    assert.deepEqual(await s().deleteBreakpoint({ workflowId: 'bp.chain', id: bp.id }), {
      deleted: false,
      resumed: 0,
    });
  });

  test('every foreach iteration pauses; one resumes by its key, deleting the breakpoint lets the rest go', async () => {
    await push(env.clients, {
      id: 'bp.loop',
      steps: [
        {
          foreach: {
            id: 'each',
            params: {
              loop_params: { value: { i: { value: [1, 2, 3], type: 'LONG_ARRAY' } }, type: 'MAP' },
            },
            steps: [noop('inner')],
          },
        },
      ],
    });
    const bp = (await set('bp.loop', 'inner')).breakpoint!;
    const st = await s().startWorkflow({ workflowId: 'bp.loop' });
    const keys = [0, 1, 2].map((i) => `bp.loop:${st.instanceId}:1:each:${i}`);
    for (const key of keys) await seePaused('bp.loop', st.instanceId, 'inner', key);
    await s().resumeStep({ key: keys[0]!, stepId: 'inner', attempt: 1, reason: '', requestId: '' });
    await waitFor(async () => (await run('', '', keys[0])).status === 'SUCCEEDED', {
      timeoutMs: 20_000,
      what: 'the resumed iteration to end',
    });
    assert.equal((await run('', '', keys[1])).steps[0]!.status, 'PAUSED');
    const del = await s().deleteBreakpoint({ workflowId: 'bp.loop', id: bp.id });
    assert.deepEqual(del, { deleted: true, resumed: 2 }, 'the one resumed by hand is not counted');
    assert.equal((await waitEnd(env.clients, 'bp.loop', st.instanceId)).status, 'SUCCEEDED');
  });

  test('an instance-scoped breakpoint pauses that instance only', async () => {
    await push(env.clients, { id: 'bp.scope', steps: [noop('x')] }, PARALLEL);
    const one = await s().startWorkflow({ workflowId: 'bp.scope' });
    assert.equal((await waitEnd(env.clients, 'bp.scope', one.instanceId)).status, 'SUCCEEDED');
    await set('bp.scope', 'x', { instanceId: String(Number(one.instanceId) + 2) });
    const two = await s().startWorkflow({ workflowId: 'bp.scope' });
    const three = await s().startWorkflow({ workflowId: 'bp.scope' });
    assert.equal((await waitEnd(env.clients, 'bp.scope', two.instanceId)).status, 'SUCCEEDED');
    await seePaused('bp.scope', three.instanceId, 'x');
    const [bp] = (await s().listBreakpoints({ workflowId: 'bp.scope' })).breakpoints;
    assert.equal(bp!.instanceId, three.instanceId);
    await s().deleteBreakpoint({ workflowId: 'bp.scope', id: bp!.id });
    assert.equal((await waitEnd(env.clients, 'bp.scope', three.instanceId)).status, 'SUCCEEDED');
  });

  test('kill -9 of the scheduler: a paused step stays paused, a run started after pauses too', async () => {
    await push(env.clients, { id: 'bp.chaos', steps: [noop('a', { b: 'true' }), noop('b')] }, PARALLEL);
    const bp = (await set('bp.chaos', 'b')).breakpoint!;
    const first = await s().startWorkflow({ workflowId: 'bp.chaos' });
    await seePaused('bp.chaos', first.instanceId, 'b');
    const svc = env.stack.services.scheduler!;
    svc.kill9();
    await svc.exited();
    await svc.start();
    const second = await s().startWorkflow({ workflowId: 'bp.chaos' });
    await seePaused('bp.chaos', second.instanceId, 'b');
    assert.equal(statuses(await run('bp.chaos', first.instanceId)).b, 'PAUSED');
    assert.deepEqual(await s().deleteBreakpoint({ workflowId: 'bp.chaos', id: bp.id }), {
      deleted: true,
      resumed: 2,
    });
    for (const st of [first, second])
      assert.equal((await waitEnd(env.clients, 'bp.chaos', st.instanceId)).status, 'SUCCEEDED');
  });

  test('hostile breakpoint and resume calls are refused with the field, never INTERNAL', async () => {
    await expectCode(set('bp.no_such_workflow', 'a'), 'NOT_FOUND');
    await expectInvalid(set('', 'a'), 'workflow_id');
    await expectInvalid(set('bp.chain', ''), 'step_id');
    await expectInvalid(set('bp.chain', 'no_such_step'), 'step_id');
    await expectInvalid(set('bp.chain', 'x'.repeat(100_000)), 'step_id');
    await expectInvalid(set('bp.chain', 'a', { instanceId: '-1' }), 'instance_id');
    // A valid int64 that a JavaScript number cannot hold exactly.
    await expectInvalid(set('bp.chain', 'a', { instanceId: '9007199254740993' }), 'instance_id');
    await expectInvalid(set('bp.chain', 'a', { attempt: -1 }), 'attempt');
    await expectInvalid(s().deleteBreakpoint({ workflowId: 'bp.chain', id: 'bp.loop:inner:*:*:*:*' }), 'id');
    await expectInvalid(s().deleteBreakpoint({ workflowId: 'bp.chain', id: '' }), 'id');
    await expectInvalid(s().listBreakpoints({ workflowId: '' }), 'workflow_id');
    const done = await s().startWorkflow({ workflowId: 'bp.chain' });
    await waitEnd(env.clients, 'bp.chain', done.instanceId);
    const ref = { workflowId: 'bp.chain', instanceId: done.instanceId, runId: '0' };
    await expectCode(
      s().resumeStep({ ref, stepId: 'b', attempt: 0, reason: '', key: '', requestId: '' }),
      'FAILED_PRECONDITION',
    );
    await expectCode(
      s().resumeStep({ ref, stepId: 'nope', attempt: 0, reason: '', key: '', requestId: '' }),
      'NOT_FOUND',
    );
    await expectInvalid(
      s().resumeStep({ ref, stepId: 'b', attempt: -2, reason: '', key: '', requestId: '' }),
      'attempt',
    );
    await expectInvalid(
      s().resumeStep({ ref, stepId: 'b', attempt: 0, reason: 'r'.repeat(5000), key: '', requestId: '' }),
      'reason',
    );
    await expectInvalid(
      s().resumeStep({ ref, stepId: 'b', attempt: 0, reason: '', key: 'k'.repeat(2000), requestId: '' }),
      'key',
    );
  });
});

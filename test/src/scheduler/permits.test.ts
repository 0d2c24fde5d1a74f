import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import type { Instance } from '@baton/proto';
import { waitFor } from '@baton/testing';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

// Step concurrency as tag permits, end to end: the workflow's step_concurrency across its runs, an
// instance tree's instance_step_concurrency across its iterations, user tag permits across
// workflows — and no permit leaked or given twice when a worker or the scheduler is killed.
const env = useStack({
  env: { SCHEDULER_SWEEP_MS: '500', STEP_RUNTIME_LEASE_MS: '3000', STEP_RUNTIME_SLOTS: '8' },
});

// Open to the unprivileged user steps run as (STEP_RUN_AS_USER).
const out = mkdtempSync(join(tmpdir(), 'baton-permits-'));
chmodSync(out, 0o1777);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs of a workflow at once (the default, SEQUENTIAL, would run them one after another). */
const PARALLEL = { run_strategy: { rule: 'parallel', workflow_concurrency: 10 } };

const FAST_RETRY = {
  backoff: { type: 'FIXED_BACKOFF', error_retry_backoff_in_secs: 1, platform_retry_backoff_in_secs: 1 },
};

/**
 * A Shell step that writes its start and end (ns) to <out>/<log>, sleeping `secs` between: the
 * intervals tell how many such steps ran at once. `once`: sleep 60 s the first time only.
 */
function timed(id: string, log: string, secs: number, extra: Record<string, unknown> = {}, once = false) {
  const rec = (what: string) => `echo "${what} $(date +%s%N) $$BATON_ATTEMPT_ID" >> "${out}/${log}"`;
  const nap = once
    ? `if [ ! -f "${out}/${log}.once" ]; then touch "${out}/${log}.once"; sleep 60; fi; sleep ${secs}`
    : `sleep ${secs}`;
  return {
    step: {
      id,
      type: 'Shell',
      retry_policy: FAST_RETRY,
      params: { script: { value: `${rec('s')}; ${nap}; ${rec('e')}`, type: 'STRING' } },
      ...extra,
    },
  };
}

/** The most intervals of <out>/<log> open at one time, and how many ended. */
function overlap(log: string): { max: number; ended: number } {
  const path = join(out, log);
  if (!existsSync(path)) return { max: 0, ended: 0 };
  const marks = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([what, ns]) => ({ d: what === 's' ? 1 : -1, t: BigInt(ns!) }))
    // At the same instant an end comes before a start (they did not overlap).
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.d - b.d));
  let open = 0;
  let max = 0;
  for (const m of marks) {
    open += m.d;
    max = Math.max(max, open);
  }
  return { max, ended: marks.filter((m) => m.d < 0).length };
}

async function startN(workflowId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await env.clients.scheduler.startWorkflow({ workflowId })).instanceId);
  return ids;
}

async function instance(workflowId: string, instanceId: string): Promise<Instance> {
  const res = await env.clients.scheduler.getInstance({ ref: { workflowId, instanceId, runId: '0' } });
  return res.instance!;
}

/**
 * Waits until one of the runs shows a step WAITING_FOR_PERMITS on `tag` (a wait shows within a
 * second, so the steps that must be seen waiting run longer than that).
 */
async function seeWaiting(workflowId: string, ids: string[], tag: string): Promise<void> {
  await waitFor(
    async () => {
      for (const id of ids) {
        const inst = await instance(workflowId, id);
        if (inst.steps.some((s) => s.status === 'WAITING_FOR_PERMITS' && s.permitTag === tag)) return true;
      }
      return false;
    },
    { timeoutMs: 20_000, intervalMs: 25, what: `a step of ${workflowId} waiting on ${tag}` },
  );
}

async function permitOf(tag: string) {
  const res = await env.clients.scheduler.listTagPermits({ tagPrefix: tag });
  return res.permits.find((p) => p.tag === tag);
}

/** The call fails INVALID_ARGUMENT naming `field`. */
async function expectInvalid(p: Promise<unknown>, field: string): Promise<void> {
  const err = await expectCode(p, 'INVALID_ARGUMENT');
  assert.deepEqual(fields(err), [field], err.message);
}

describe('step concurrency and tag permits', () => {
  test('step_concurrency caps the leaf steps of a workflow across all its runs', async () => {
    await push(
      env.clients,
      { id: 'permits.wf', steps: [timed('work', 'wf', 1.2)] },
      {
        ...PARALLEL,
        step_concurrency: 1,
      },
    );
    const ids = await startN('permits.wf', 3);
    await seeWaiting('permits.wf', ids, 'maestro_workflow:permits.wf');
    for (const id of ids) assert.equal((await waitEnd(env.clients, 'permits.wf', id)).status, 'SUCCEEDED');
    assert.deepEqual(overlap('wf'), { max: 1, ended: 3 });
  });

  test('instance_step_concurrency caps the leaf steps of one run tree, its foreach iterations included', async () => {
    await push(
      env.clients,
      {
        id: 'permits.tree',
        instance_step_concurrency: 2,
        steps: [
          {
            foreach: {
              id: 'loop',
              params: {
                loop_params: { value: { i: { value: [1, 2, 3, 4, 5, 6], type: 'LONG_ARRAY' } }, type: 'MAP' },
                concurrency: { value: 6, type: 'LONG' },
              },
              steps: [timed('leaf', 'tree', 0.3)],
            },
          },
        ],
      },
      { step_concurrency: 100 },
    );
    const [id] = await startN('permits.tree', 1);
    const inst = await waitEnd(env.clients, 'permits.tree', id!, 60_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.deepEqual(overlap('tree'), { max: 2, ended: 6 });
  });

  test('a user tag permit caps the steps carrying the tag across workflows', async () => {
    const set = await env.clients.scheduler.setTagPermit({ tag: 'gpu', maxAllowed: 1 });
    assert.equal(set.permit?.maxAllowed, 1);
    // One workflow tags a step, the other tags the whole workflow.
    await push(
      env.clients,
      { id: 'permits.a', steps: [timed('train', 'gpu', 1.2, { tags: ['gpu'] })] },
      PARALLEL,
    );
    await push(
      env.clients,
      { id: 'permits.b', tags: ['gpu'], steps: [timed('infer', 'gpu', 1.2)] },
      PARALLEL,
    );
    const a = await startN('permits.a', 2);
    const b = await startN('permits.b', 2);
    await seeWaiting('permits.b', b, 'gpu');
    const use = await permitOf('gpu');
    assert.equal(use?.running, '1');
    for (const id of a) assert.equal((await waitEnd(env.clients, 'permits.a', id)).status, 'SUCCEEDED');
    for (const id of b) assert.equal((await waitEnd(env.clients, 'permits.b', id)).status, 'SUCCEEDED');
    assert.deepEqual(overlap('gpu'), { max: 1, ended: 4 });
    assert.deepEqual(
      { running: (await permitOf('gpu'))?.running, waiting: (await permitOf('gpu'))?.waiting },
      { running: '0', waiting: '0' },
    );
    assert.equal((await env.clients.scheduler.deleteTagPermit({ tag: 'gpu' })).deleted, true);
    assert.equal(await permitOf('gpu'), undefined);
    assert.equal((await env.clients.scheduler.deleteTagPermit({ tag: 'gpu' })).deleted, false);
  });

  test('a permit of 0 holds every step carrying the tag; removing it lets them go', async () => {
    await env.clients.scheduler.setTagPermit({ tag: 'frozen', maxAllowed: 0 });
    await push(env.clients, { id: 'permits.frozen', steps: [timed('x', 'frozen', 0, { tags: ['frozen'] })] });
    const [id] = await startN('permits.frozen', 1);
    await seeWaiting('permits.frozen', [id!], 'frozen');
    assert.equal((await permitOf('frozen'))?.waiting, '1');
    // A wait that lasts is recorded in the run too: its timeline (and the change events) say so.
    await waitFor(
      async () =>
        (await instance('permits.frozen', id!)).timeline.some(
          (t) => t.status === 'WAITING_FOR_PERMITS' && /tag frozen/.test(t.message),
        ),
      { timeoutMs: 20_000, what: 'the wait in the timeline' },
    );
    await env.clients.scheduler.deleteTagPermit({ tag: 'frozen' });
    assert.equal((await waitEnd(env.clients, 'permits.frozen', id!)).status, 'SUCCEEDED');
  });

  test('stopping the step that holds the permit gives it back: the waiting step runs', async () => {
    await env.clients.scheduler.setTagPermit({ tag: 'lane', maxAllowed: 1 });
    await push(env.clients, { id: 'permits.long', steps: [timed('long', 'lane', 60, { tags: ['lane'] })] });
    await push(env.clients, { id: 'permits.short', steps: [timed('short', 'lane', 0, { tags: ['lane'] })] });
    const [long] = await startN('permits.long', 1);
    await waitFor(async () => overlap('lane').max === 1, { timeoutMs: 20_000, what: 'the long step to run' });
    const [short] = await startN('permits.short', 1);
    await seeWaiting('permits.short', [short!], 'lane');
    await env.clients.scheduler.stopStep({
      ref: { workflowId: 'permits.long', instanceId: long!, runId: '0' },
      stepId: 'long',
      reason: 'make room',
      requestId: '',
    });
    assert.equal((await waitEnd(env.clients, 'permits.short', short!)).status, 'SUCCEEDED');
    assert.equal((await waitEnd(env.clients, 'permits.long', long!)).status, 'STOPPED');
    const use = await permitOf('lane');
    assert.deepEqual({ running: use?.running, waiting: use?.waiting }, { running: '0', waiting: '0' });
  });

  test('hostile SetTagPermit, DeleteTagPermit and ListTagPermits calls are refused, naming the field', async () => {
    const s = env.clients.scheduler;
    await expectInvalid(s.setTagPermit({ tag: '', maxAllowed: 1 }), 'tag');
    await expectInvalid(s.setTagPermit({ tag: 'maestro_workflow:x', maxAllowed: 1 }), 'tag');
    await expectInvalid(s.setTagPermit({ tag: 'x'.repeat(100_000), maxAllowed: 1 }), 'tag');
    await expectInvalid(s.setTagPermit({ tag: 'bad\ntag', maxAllowed: 1 }), 'tag');
    await expectInvalid(s.setTagPermit({ tag: 'ok', maxAllowed: -1 }), 'max_allowed');
    await expectInvalid(s.setTagPermit({ tag: 'ok', maxAllowed: 100_001 }), 'max_allowed');
    await expectInvalid(s.deleteTagPermit({ tag: 'maestro_instance:x' }), 'tag');
    await expectInvalid(s.listTagPermits({ tagPrefix: 'x'.repeat(300) }), 'tag_prefix');
  });

  test('kill -9 of the worker running a step gives its permit back: the waiting step runs', async () => {
    await env.clients.scheduler.setTagPermit({ tag: 'slot', maxAllowed: 1 });
    // The first attempt of `hold` sleeps a minute; the worker dies under it.
    await push(env.clients, {
      id: 'permits.hold',
      steps: [timed('hold', 'slot', 0, { tags: ['slot'] }, true)],
    });
    await push(env.clients, { id: 'permits.next', steps: [timed('next', 'slot', 0, { tags: ['slot'] })] });
    const [hold] = await startN('permits.hold', 1);
    await waitFor(async () => existsSync(join(out, 'slot.once')), { timeoutMs: 20_000, what: 'hold to run' });
    const [next] = await startN('permits.next', 1);
    await seeWaiting('permits.next', [next!], 'slot');
    const worker = env.stack.services['step-runtime']!;
    worker.kill9();
    await worker.exited();
    await worker.start();
    // The lease runs out, the attempt is lost; its permit goes to `next`, then hold's retry runs.
    assert.equal((await waitEnd(env.clients, 'permits.next', next!, 60_000)).status, 'SUCCEEDED');
    assert.equal((await waitEnd(env.clients, 'permits.hold', hold!, 60_000)).status, 'SUCCEEDED');
    const use = await permitOf('slot');
    assert.deepEqual({ running: use?.running, waiting: use?.waiting }, { running: '0', waiting: '0' });
  });

  test('kill -9 of the scheduler while steps wait for permits: each runs once, none at the same time', async () => {
    await env.clients.scheduler.setTagPermit({ tag: 'one', maxAllowed: 1 });
    await push(
      env.clients,
      { id: 'permits.chaos', steps: [timed('s', 'one', 0.2, { tags: ['one'] })] },
      PARALLEL,
    );
    const ids = await startN('permits.chaos', 6);
    const svc = env.stack.services.scheduler!;
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setTimeout(r, 200 + k * 100));
      svc.kill9();
      await svc.exited();
      await svc.start();
    }
    for (const id of ids)
      assert.equal((await waitEnd(env.clients, 'permits.chaos', id, 60_000)).status, 'SUCCEEDED');
    const o = overlap('one');
    assert.equal(o.max, 1, 'two steps of the tag ran at once');
    assert.equal(o.ended, 6, 'a step ran twice or never');
    const use = await permitOf('one');
    assert.deepEqual({ running: use?.running, waiting: use?.waiting }, { running: '0', waiting: '0' });
  });
});

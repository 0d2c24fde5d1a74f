import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { type ServiceError, credentials, status } from '@grpc/grpc-js';
import { internal } from '@baton/proto';
import { waitFor } from '@baton/testing';
import { useStack } from '../support/stack';
import { push, statuses, waitEnd } from './support';

// Short leases and fast sweeps, so a lost worker is noticed in seconds (defaults: 15 s / 3 s).
const env = useStack({
  env: { SCHEDULER_SWEEP_MS: '500', STEP_RUNTIME_LEASE_MS: '3000', STEP_RUNTIME_SLOTS: '6' },
});

const FAST_RETRY = {
  backoff: { type: 'FIXED_BACKOFF', error_retry_backoff_in_secs: 1, platform_retry_backoff_in_secs: 1 },
};

/**
 * `lanes` × `depth` Shell steps; each appends its attempt id (the idempotency key)
 * to <out>/<step>, then sleeps `secs`.
 */
function shellDag(id: string, out: string, lanes: number, depth: number, secs = 0) {
  const script = `echo "$$BATON_ATTEMPT_ID" >> "${out}/$$BATON_STEP_ID"; sleep ${secs}`;
  const steps: unknown[] = [];
  for (let l = 0; l < lanes; l++) {
    for (let d = 0; d < depth; d++) {
      steps.push({
        step: {
          id: `l${l}d${d}`,
          type: 'Shell',
          retry_policy: FAST_RETRY,
          params: { script: { value: script, type: 'STRING' } },
          ...(d + 1 < depth ? { transition: { successors: { [`l${l}d${d + 1}`]: 'true' } } } : {}),
        },
      });
    }
  }
  return { id, steps };
}

/** Each step's recorded runs: step id → attempt keys. */
function runsOf(out: string): Record<string, string[]> {
  return Object.fromEntries(
    readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8').trim().split('\n').filter(Boolean)]),
  );
}

describe('Shell steps end to end, under crashes', () => {
  test('a Shell step gets params as env and JSON, and its outputs reach successors', async () => {
    await push(env.clients, {
      id: 'sh.outputs',
      params: { who: { value: 'world', type: 'STRING' } },
      steps: [
        {
          step: {
            id: 'produce',
            type: 'Shell',
            params: {
              // A step param built from the workflow param by interpolation; `$$` is a literal `$`.
              greeting: { value: 'hello ${who}', type: 'STRING' },
              script: {
                value:
                  'test "$$greeting" = "hello world" && grep -q greeting "$$BATON_PARAMS_FILE" && echo "{\\"count\\": 41, \\"name\\": \\"$$greeting\\"}" > "$$BATON_OUTPUT_FILE"',
                type: 'STRING',
              },
            },
            transition: { successors: { consume: 'params.getFromStep("produce", "count") == 41' } },
          },
        },
        { step: { id: 'consume', type: 'NoOp' } },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.outputs' });
    const inst = await waitEnd(env.clients, 'sh.outputs', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.deepEqual(statuses(inst), { produce: 'SUCCEEDED', consume: 'SUCCEEDED' });
    const produced = inst.steps.find((s) => s.stepId === 'produce')!;
    assert.deepEqual(Object.keys(produced.outputs).sort(), ['count', 'name']);
  });

  test('timeouts: a step over its timeout is TIMED_OUT; a workflow over its timeout ends TIMED_OUT', async () => {
    await push(env.clients, {
      id: 'sh.timeout',
      params: { secs: { value: 1, type: 'LONG' } },
      steps: [
        {
          step: {
            id: 'slow',
            type: 'Shell',
            timeout: '${secs}s',
            params: { script: { value: 'sleep 20', type: 'STRING' } },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.timeout' });
    const inst = await waitEnd(env.clients, 'sh.timeout', st.instanceId, 30_000);
    assert.equal(inst.status, 'FAILED');
    assert.equal(statuses(inst).slow, 'TIMED_OUT');
    await push(env.clients, {
      id: 'sh.wf_timeout',
      timeout: '2 seconds',
      steps: [
        { step: { id: 'slow', type: 'Shell', params: { script: { value: 'sleep 20', type: 'STRING' } } } },
      ],
    });
    const t0 = Date.now();
    const wt = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.wf_timeout' });
    const w = await waitEnd(env.clients, 'sh.wf_timeout', wt.instanceId, 30_000);
    assert.equal(w.status, 'TIMED_OUT');
    assert.ok(Date.now() - t0 < 15_000);
  });

  test('a Python step runs with python3 and returns outputs', async () => {
    await push(env.clients, {
      id: 'sh.python',
      steps: [
        {
          step: {
            id: 'py',
            type: 'Python',
            params: {
              script: {
                value:
                  'import json, os\njson.dump({"total": sum(range(10))}, open(os.environ["BATON_OUTPUT_FILE"], "w"))',
                type: 'STRING',
              },
            },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.python' });
    const inst = await waitEnd(env.clients, 'sh.python', st.instanceId);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.deepEqual(Object.keys(inst.steps[0].outputs), ['total']);
  });

  test('a failing script is a user error, retried, then FAILED with its message', async () => {
    await push(env.clients, {
      id: 'sh.fail',
      steps: [
        {
          step: {
            id: 'boom',
            type: 'Shell',
            retry_policy: { error_retry_limit: 1, ...FAST_RETRY },
            params: { script: { value: 'echo nope >&2; exit 3', type: 'STRING' } },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.fail' });
    const inst = await waitEnd(env.clients, 'sh.fail', st.instanceId);
    assert.equal(inst.status, 'FAILED');
    const run = await env.clients.scheduler.getStepRun({
      ref: { workflowId: 'sh.fail', instanceId: st.instanceId },
      stepId: 'boom',
    });
    assert.deepEqual(
      run.stepRun!.attempts.map((a) => a.status),
      ['USER_FAILED', 'USER_FAILED'],
    );
  });

  test('kill -9 the scheduler at random moments during runs of a 200-step Shell DAG: every step ran exactly once', async () => {
    const out = openScratch();
    await push(env.clients, shellDag('sh.dag200', out, 10, 20));
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.dag200' });
    const svc = env.stack.services.scheduler;
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 4; k++) {
      await new Promise((r) => setTimeout(r, 300 + rand() * 900));
      svc.kill9();
      await svc.exited();
      await svc.start();
    }
    const inst = await waitEnd(env.clients, 'sh.dag200', st.instanceId, 120_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.equal(inst.steps.length, 200);
    const runs = runsOf(out);
    assert.equal(Object.keys(runs).length, 200);
    for (const [step, keys] of Object.entries(runs))
      assert.equal(keys.length, 1, `${step} ran ${keys.length} times`);
    for (const s of inst.steps) assert.equal(s.attempts, 1, `${s.stepId} has ${s.attempts} attempts`);
  });

  test('kill -9 step-runtime during running steps: they run again under new attempt ids (platform failure, then success)', async () => {
    const out = openScratch();
    await push(env.clients, shellDag('sh.worker', out, 3, 1, 3));
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.worker' });
    await waitFor(() => readdirSync(out).length === 3, {
      timeoutMs: 20_000,
      intervalMs: 50,
      what: 'the 3 steps to start',
    });
    const worker = env.stack.services['step-runtime'];
    worker.kill9();
    await worker.exited();
    await worker.start();
    const inst = await waitEnd(env.clients, 'sh.worker', st.instanceId, 90_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    for (const [step, keys] of Object.entries(runsOf(out))) {
      assert.equal(keys.length, 2, `${step}: ${keys.join(', ')}`);
      assert.notEqual(keys[0], keys[1], 'the rerun has a new attempt id');
      const run = await env.clients.scheduler.getStepRun({
        ref: { workflowId: 'sh.worker', instanceId: st.instanceId },
        stepId: step,
      });
      assert.deepEqual(
        run.stepRun!.attempts.map((a) => a.status),
        ['PLATFORM_FAILED', 'SUCCEEDED'],
      );
      assert.deepEqual(
        run.stepRun!.attempts.map((a) => a.attemptKey),
        keys,
      );
    }
  });

  test('two schedulers and two step-runtimes share the work; no step runs twice', async () => {
    const out = openScratch();
    await push(env.clients, shellDag('sh.replicas', out, 8, 5));
    const sched2 = await env.stack.addReplica('scheduler');
    const worker2 = await env.stack.addReplica('step-runtime');
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await env.clients.scheduler.startWorkflow({ workflowId: 'sh.replicas' })).instanceId);
    for (const id of ids)
      assert.equal((await waitEnd(env.clients, 'sh.replicas', id, 90_000)).status, 'SUCCEEDED');
    for (const [step, keys] of Object.entries(runsOf(out))) {
      assert.equal(new Set(keys).size, keys.length, `${step} ran an attempt twice`);
      assert.equal(keys.length, 3, `${step}: one run per instance`);
    }
    const worked = (file: string) => readFileSync(file, 'utf8').includes('"attempt');
    assert.ok(worked(worker2.logFile), 'the second step-runtime ran attempts');
    assert.ok(readFileSync(sched2.logFile, 'utf8').length > 0);
    await Promise.all([sched2.stop(), worker2.stop()]);
  });

  test('a duplicate report and a report from a superseded attempt are ignored', async () => {
    const report = new internal.StepReportServiceClient(
      env.stack.internalAddresses.scheduler!,
      credentials.createInsecure(),
    );
    const call = (req: Partial<internal.ReportAttemptRequest>) =>
      new Promise<internal.ReportAttemptResponse>((resolve, reject) =>
        report.reportAttempt(internal.ReportAttemptRequest.fromPartial(req), (err, res) =>
          err ? reject(err) : resolve(res),
        ),
      );
    const run = await env.clients.scheduler.getStepRun({
      ref: { workflowId: 'sh.worker', instanceId: '1' },
      stepId: 'l0d0',
    });
    const [first, second] = run.stepRun!.attempts;
    // The superseded attempt 1 "succeeds" late, and attempt 2's success is reported again.
    const late = await call({
      workflowId: 'sh.worker',
      instanceId: '1',
      runId: '1',
      stepId: 'l0d0',
      attemptId: 1,
      attemptKey: first.attemptKey,
      status: 'FATALLY_FAILED',
    });
    const dup = await call({
      workflowId: 'sh.worker',
      instanceId: '1',
      runId: '1',
      stepId: 'l0d0',
      attemptId: 2,
      attemptKey: second.attemptKey,
      status: 'USER_FAILED',
      worker: second.worker,
    });
    assert.ok(second.worker, 'the attempt names its worker');
    assert.equal(dup.applied, false, 'attempt 2 was already reported by this worker');
    assert.ok(late);
    await new Promise((r) => setTimeout(r, 500));
    const after = await env.clients.scheduler.getInstance({
      ref: { workflowId: 'sh.worker', instanceId: '1' },
    });
    assert.equal(after.instance?.status, 'SUCCEEDED');
    assert.equal(statuses(after.instance!).l0d0, 'SUCCEEDED');
    // A report for a run that does not exist is refused: no orphan event is stored.
    await assert.rejects(
      call({
        workflowId: 'sh.worker',
        instanceId: '999',
        runId: '1',
        stepId: 'l0d0',
        attemptId: 1,
        attemptKey: 'sh.worker:999:1:l0d0:1',
        status: 'SUCCEEDED',
      }),
      (err: ServiceError) => err.code === status.NOT_FOUND && /no run sh\.worker:999:1/.test(err.details),
    );
    report.close();
  });

  test('a report made up for a future attempt does not wedge the step when that attempt runs', async () => {
    const report = new internal.StepReportServiceClient(
      env.stack.internalAddresses.scheduler!,
      credentials.createInsecure(),
    );
    await push(env.clients, {
      id: 'sh.wedge',
      steps: [
        {
          step: {
            id: 'w',
            type: 'Shell',
            retry_policy: { error_retry_limit: 1, ...FAST_RETRY },
            params: {
              script: {
                value: 'if [ "$$BATON_ATTEMPT_NUMBER" = 1 ]; then sleep 1; exit 1; fi',
                type: 'STRING',
              },
            },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'sh.wedge' });
    const ref = { workflowId: 'sh.wedge', instanceId: st.instanceId };
    let firstKey = '';
    await waitFor(
      async () => {
        const r = await env.clients.scheduler.getStepRun({ ref, stepId: 'w' });
        const a = r.stepRun?.attempts[0];
        firstKey = a?.attemptKey ?? '';
        return a?.status === 'RUNNING';
      },
      { timeoutMs: 20_000, what: 'attempt 1 running' },
    );
    // Attempt 2 does not exist yet; its key is easy to guess.
    const attemptKey = firstKey.replace(/:1$/, ':2');
    const forged = await new Promise<internal.ReportAttemptResponse>((resolve, reject) =>
      report.reportAttempt(
        internal.ReportAttemptRequest.fromPartial({
          workflowId: 'sh.wedge',
          instanceId: st.instanceId,
          runId: st.runId,
          stepId: 'w',
          attemptId: 2,
          attemptKey,
          status: 'FATALLY_FAILED',
        }),
        (err, res) => (err ? reject(err) : resolve(res!)),
      ),
    );
    assert.equal(forged.applied, true, 'stored, then ignored: no such attempt yet');
    const done = await waitEnd(env.clients, 'sh.wedge', st.instanceId);
    assert.equal(done.status, 'SUCCEEDED', 'attempt 2 ran and its real report counted');
    const run = await env.clients.scheduler.getStepRun({ ref, stepId: 'w' });
    assert.deepEqual(
      run.stepRun!.attempts.map((a) => a.status),
      ['USER_FAILED', 'SUCCEEDED'],
    );
    report.close();
  });
});

/** A dir for the steps' side-effect files, open to the unprivileged step user (STEP_RUN_AS_USER). */
function openScratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sh-'));
  chmodSync(dir, 0o1777);
  return dir;
}

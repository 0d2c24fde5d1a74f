import { SHARED_KEYS } from '@baton/kit';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { fromParamMap } from '@baton/sdk';
import { waitFor } from '@baton/testing';
import { useStepRuntime } from './setup';
import { shellStep, uniqueWorkflow } from './work';

const env = useStepRuntime();
const scratch = mkdtempSync(join(tmpdir(), 'baton-sr-test-'));
// Steps run as an unprivileged user (STEP_RUN_AS_USER): their side-effect files need a dir open to it.
chmodSync(scratch, 0o1777);

function finalOf(key: string, timeoutMs = 15_000) {
  return waitFor(() => env.scheduler.finals(key).length > 0, {
    timeoutMs,
    what: `the final report of ${key}`,
  }).then(() => env.scheduler.finals(key)[0]);
}

describe('step-runtime: running attempts', () => {
  test('Shell success: RUNNING (it runs past 100 ms), then SUCCEEDED with typed outputs', async () => {
    const d = shellStep(
      uniqueWorkflow('shell.ok'),
      'greet',
      `echo "hello $name"\nsleep 0.4\nprintf '{"greeting":"hi %s","n":3,"ratio":1.5,"ok":true,"tags":["a","b"],"nested":{"x":[1,2]}}' "$name" > "$BATON_OUTPUT_FILE"`,
    );
    d.params.name = 'Ada';
    await env.queue.enqueue(d);
    const final = await finalOf(d.attemptKey);
    assert.equal(final.status, 'SUCCEEDED', final.error);
    const all = env.scheduler.of(d.attemptKey);
    assert.equal(all[0].status, 'RUNNING', 'RUNNING is reported before the result');
    assert.equal(all.at(-1)?.status, 'SUCCEEDED');
    assert.equal(final.workflowId, d.workflowId);
    assert.equal(final.instanceId, '1');
    assert.equal(final.runId, '1');
    assert.equal(final.stepId, 'greet');
    assert.equal(final.attemptId, 1);
    assert.ok(final.worker.length > 0);
    assert.deepEqual(final.outputs.n.kind, { $case: 'longValue', value: '3' });
    assert.equal(final.outputs.ratio.kind?.$case, 'doubleValue');
    assert.deepEqual(fromParamMap(final.outputs), {
      greeting: 'hi Ada',
      n: 3,
      ratio: 1.5,
      ok: true,
      tags: ['a', 'b'],
      nested: { x: [1, 2] },
    });
  });

  test('a step that ends within 100 ms reports its end only (it carries the start time)', async () => {
    const d = shellStep(uniqueWorkflow('shell.quick'), 'quick', 'true');
    await env.queue.enqueue(d);
    const final = await finalOf(d.attemptKey);
    assert.equal(final.status, 'SUCCEEDED', final.error);
    assert.deepEqual(
      env.scheduler.of(d.attemptKey).map((r) => r.status),
      ['SUCCEEDED'],
    );
    const started = Number(final.startedAtMs);
    assert.ok(started > 0 && started <= Number(final.endedAtMs), 'the end report carries the start time');
  });

  test('Python success with outputs', async () => {
    const d = shellStep(uniqueWorkflow('python.ok'), 'sum', '', {
      stepType: 'PYTHON',
      params: {
        python: {
          script:
            'import json, os\nprint("computing")\njson.dump({"total": 1 + 2, "who": os.environ["BATON_STEP_ID"]}, open(os.environ["BATON_OUTPUT_FILE"], "w"))',
        },
      },
    });
    await env.queue.enqueue(d);
    const final = await finalOf(d.attemptKey);
    assert.equal(final.status, 'SUCCEEDED', final.error);
    assert.deepEqual(fromParamMap(final.outputs), { total: 3, who: 'sum' });
  });

  test('non-zero exit → USER_FAILED; an unsupported type → FATALLY_FAILED', async () => {
    const wf = uniqueWorkflow('fail');
    const bad = shellStep(wf, 'bad', 'echo oops >&2; exit 3');
    const sql = shellStep(wf, 'sql', '', { stepType: 'KUBERNETES', params: {} });
    await env.queue.enqueue(bad);
    await env.queue.enqueue(sql);
    const failed = await finalOf(bad.attemptKey);
    assert.equal(failed.status, 'USER_FAILED');
    assert.match(failed.error, /3/);
    const fatal = await finalOf(sql.attemptKey);
    assert.equal(fatal.status, 'FATALLY_FAILED');
    assert.equal(fatal.error, 'step type KUBERNETES is not supported by step-runtime');
  });

  test('the same attempt enqueued three times runs once', async () => {
    const file = join(scratch, 'dup.txt');
    const d = shellStep(uniqueWorkflow('dup'), 'once', `echo "$BATON_ATTEMPT_ID" >> ${file}; sleep 0.3`);
    for (let i = 0; i < 3; i++) await env.queue.enqueue(d);
    await finalOf(d.attemptKey);
    // Every copy settled: acked and deleted (the consumer's pending list is empty too).
    await waitFor(async () => (await env.queue.redis.xlen(SHARED_KEYS.work('default'))) === 0, {
      what: 'the work stream to be drained',
    });
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n'), [d.attemptKey]);
    assert.equal(env.scheduler.finals(d.attemptKey).length, 1);
  });

  test('CancelAttempt stops a running step (STOPPED); CheckAttempts sees the live lease', async () => {
    const d = shellStep(uniqueWorkflow('cancel'), 'long', 'echo started; sleep 30');
    await env.queue.enqueue(d);
    await waitFor(() => env.scheduler.of(d.attemptKey).length > 0, { what: 'RUNNING report' });
    const live = (await env.internal.check([d.attemptKey])).attempts[d.attemptKey];
    assert.equal(live.claimed, true);
    assert.equal(live.finished, false);
    assert.ok(live.leaseUntil && live.leaseUntil.getTime() > Date.now(), 'lease in the future');
    assert.ok(live.worker.length > 0);
    const started = Date.now();
    const res = await env.clients.stepRuntime.cancelAttempt({
      attemptKey: d.attemptKey,
      reason: 'test stop',
    });
    assert.equal(res.cancelled, true);
    const final = await finalOf(d.attemptKey);
    assert.equal(final.status, 'STOPPED');
    assert.ok(Date.now() - started < 5_000, 'stopped promptly (pub/sub), not at the next lease renewal');
    await waitFor(async () => (await env.internal.check([d.attemptKey])).attempts[d.attemptKey].finished, {
      what: 'the claim to show finished',
    });
    const again = await env.clients.stepRuntime.cancelAttempt({ attemptKey: d.attemptKey, reason: 'late' });
    assert.equal(again.cancelled, false, 'a finished attempt is not cancelled');
  });

  test('a cancel before the claim prevents the run', async () => {
    const file = join(scratch, 'never.txt');
    const d = shellStep(uniqueWorkflow('precancel'), 'never', `echo ran > ${file}`);
    const res = await env.clients.stepRuntime.cancelAttempt({ attemptKey: d.attemptKey, reason: 'before' });
    assert.equal(res.cancelled, true);
    const check = (await env.internal.check([d.attemptKey])).attempts[d.attemptKey];
    assert.equal(check.claimed, false);
    assert.equal(check.finished, true, 'it will never run');
    await env.queue.enqueue(d);
    const final = await finalOf(d.attemptKey);
    assert.equal(final.status, 'STOPPED');
    assert.match(final.error, /cancelled before it started: before/);
    assert.equal(existsSync(file), false, 'the script never ran');
    assert.equal(env.scheduler.of(d.attemptKey).filter((r) => r.status === 'RUNNING').length, 0);
  });
});

describe('step-runtime: figures (one replica, 4 slots)', () => {
  test('trivial Shell steps: claim-to-report latency and attempts/s', async () => {
    const wf = uniqueWorkflow('rate');
    // Sequential: latency of one attempt at a time.
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const d = shellStep(wf, `lat${i}`, 'exit 0');
      const t0 = Date.now();
      await env.queue.enqueue(d);
      await finalOf(d.attemptKey);
      const running =
        env.scheduler.of(d.attemptKey).length > 0
          ? env.scheduler.reports.find((r) => r.req.attemptKey === d.attemptKey)!.at
          : t0;
      const final = env.scheduler.reports.find(
        (r) => r.req.attemptKey === d.attemptKey && r.req.status !== 'RUNNING',
      )!.at;
      latencies.push(final - running, final - t0);
    }
    const claimToReport = latencies.filter((_, i) => i % 2 === 0).sort((a, b) => a - b);
    const enqueueToReport = latencies.filter((_, i) => i % 2 === 1).sort((a, b) => a - b);
    // Throughput: a burst of 80 attempts.
    const burst = Array.from({ length: 80 }, (_, i) => shellStep(wf, `b${i}`, 'exit 0'));
    const t0 = Date.now();
    await Promise.all(burst.map((d) => env.queue.enqueue(d)));
    await waitFor(() => burst.every((d) => env.scheduler.finals(d.attemptKey).length > 0), {
      timeoutMs: 30_000,
      what: 'the burst to finish',
    });
    const secs = (Date.now() - t0) / 1000;
    for (const d of burst) assert.equal(env.scheduler.finals(d.attemptKey)[0].status, 'SUCCEEDED');
    console.log(
      `claim(RUNNING)→final report p50 ${claimToReport[5]} ms, max ${claimToReport.at(-1)} ms; ` +
        `enqueue→final p50 ${enqueueToReport[5]} ms, max ${enqueueToReport.at(-1)} ms; ` +
        `burst of ${burst.length}: ${(burst.length / secs).toFixed(1)} attempts/s`,
    );
  });
});

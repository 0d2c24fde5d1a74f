import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { waitFor } from '@baton/testing';
import { expectCode } from '../support/errors';
import { useStepRuntime } from './setup';
import { shellStep, uniqueWorkflow } from './work';

const env = useStepRuntime();

async function collect(req: {
  workflowId: string;
  instanceId?: string;
  runId?: string;
  stepId: string;
  attemptId?: number;
  follow?: boolean;
  offset?: string;
}) {
  const out: { stream: string; text: string; offset: number; at: number }[] = [];
  const stream = env.clients.stepRuntime.getStepLogs({
    instanceId: '1',
    runId: '1',
    attemptId: 1,
    follow: false,
    offset: '0',
    ...req,
  });
  for await (const m of stream) {
    out.push({ stream: m.stream, text: m.data.toString('utf8'), offset: Number(m.offset), at: Date.now() });
  }
  return out;
}

describe('step-runtime: logs and bad requests', () => {
  test('GetStepLogs returns the output of both streams, by address and as "latest", from an offset', async () => {
    const wf = uniqueWorkflow('logs');
    const d = shellStep(wf, 'talk', 'for i in 1 2 3; do echo "out $i"; done; echo "err line" >&2; echo done');
    await env.queue.enqueue(d);
    await waitFor(() => env.scheduler.finals(d.attemptKey).length > 0, { what: 'the final report' });
    const all = await collect({ workflowId: wf, stepId: 'talk' });
    const stdout = all
      .filter((c) => c.stream === 'stdout')
      .map((c) => c.text)
      .join('');
    assert.equal(stdout, 'out 1\nout 2\nout 3\ndone\n');
    assert.equal(
      all
        .filter((c) => c.stream === 'stderr')
        .map((c) => c.text)
        .join(''),
      'err line\n',
    );
    const latest = await collect({ workflowId: wf, stepId: 'talk', runId: '0', attemptId: 0 });
    assert.deepEqual(
      latest.map((c) => c.text),
      all.map((c) => c.text),
    );
    const whole = all.map((c) => c.text).join('');
    const tail = await collect({ workflowId: wf, stepId: 'talk', offset: '7' });
    assert.equal(tail.map((c) => c.text).join(''), whole.slice(7));
    assert.equal(tail[0].offset, 7);
  });

  test('follow streams a running step live and ends when it is done', async () => {
    const wf = uniqueWorkflow('follow');
    const d = shellStep(wf, 'tick', 'for i in 1 2 3 4 5; do echo "tick $i"; sleep 0.4; done');
    // Opened before the attempt exists: follow waits for it.
    const reading = collect({ workflowId: wf, stepId: 'tick', runId: '0', attemptId: 0, follow: true });
    await env.queue.enqueue(d);
    const got = await reading;
    const text = got.map((c) => c.text).join('');
    assert.equal(text, 'tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
    const ended = Date.now();
    assert.ok(got.length >= 3, `lines arrived in several messages (${got.length})`);
    assert.ok(
      ended - got[0].at >= 1_000,
      `the first line arrived live, ${ended - got[0].at} ms before the end`,
    );
  });

  test('unknown attempt → NOT_FOUND; bad log address → INVALID_ARGUMENT', async () => {
    const err = await expectCode(collect({ workflowId: 'no.such.workflow', stepId: 'x' }), 'NOT_FOUND');
    assert.match(err.message, /no logs for workflow no\.such\.workflow/);
    await expectCode(collect({ workflowId: '', stepId: '' }), 'INVALID_ARGUMENT');
    await expectCode(collect({ workflowId: 'w', stepId: 's', instanceId: '0' }), 'INVALID_ARGUMENT');
    await expectCode(
      env.clients.stepRuntime.cancelAttempt({ attemptKey: '', reason: '' }),
      'INVALID_ARGUMENT',
    );
    // Any string is not an attempt: no tombstone is written for a key the scheduler never makes.
    for (const attemptKey of [
      'anything',
      'wf:1:1',
      'wf:x:1:s:1',
      'wf:1:1:s:1 ',
      `wf:1:1:${'s'.repeat(1100)}:1`,
    ]) {
      await expectCode(env.clients.stepRuntime.cancelAttempt({ attemptKey, reason: '' }), 'INVALID_ARGUMENT');
    }
  });

  test('CheckAttempts: empty, over 1,000 keys → INVALID_ARGUMENT; unknown keys → unclaimed', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: { code: number }) => status[e.code],
      );
    assert.equal(await code(env.internal.check([])), 'INVALID_ARGUMENT');
    const many = Array.from({ length: 1001 }, (_, i) => `k:${i}`);
    assert.equal(await code(env.internal.check(many)), 'INVALID_ARGUMENT');
    const res = await env.internal.check(['nope:1:1:x:1', 'nope:1:1:y:1']);
    assert.deepEqual(Object.keys(res.attempts).sort(), ['nope:1:1:x:1', 'nope:1:1:y:1']);
    assert.equal(res.attempts['nope:1:1:x:1'].claimed, false);
    assert.equal(res.attempts['nope:1:1:x:1'].finished, false);
  });

  test('the scheduler away: the report is retried and arrives once it is back', async () => {
    env.scheduler.down();
    try {
      const d = shellStep(uniqueWorkflow('away'), 'later', 'echo "{\\"v\\": 1}" > "$BATON_OUTPUT_FILE"');
      await env.queue.enqueue(d);
      await waitFor(async () => (await env.internal.check([d.attemptKey])).attempts[d.attemptKey].finished, {
        what: 'the result to be recorded',
      });
      assert.equal(env.scheduler.finals(d.attemptKey).length, 0, 'nothing reached the scheduler yet');
      env.scheduler.up();
      await waitFor(() => env.scheduler.finals(d.attemptKey).length > 0, {
        timeoutMs: 15_000,
        what: 'the report after the scheduler came back',
      });
      for (const r of env.scheduler.finals(d.attemptKey)) assert.equal(r.status, 'SUCCEEDED');
    } finally {
      env.scheduler.up();
    }
  });
});

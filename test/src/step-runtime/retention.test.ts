import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { MongoClient } from 'mongodb';
import { expectCode } from '../support/errors';
import { useStepRuntime } from './setup';
import { shellStep, uniqueWorkflow } from './work';

/** Seconds as the fractional days the retention settings take. */
const days = (seconds: number) => String(seconds / 86_400);
const LOG_KEEP_S = 4;
const CLAIM_KEEP_S = 8;

const env = useStepRuntime({
  STEP_LOG_RETENTION_DAYS: days(LOG_KEEP_S),
  STEP_ATTEMPT_RETENTION_DAYS: days(CLAIM_KEEP_S),
  STEP_RETENTION_SWEEP_MS: '300',
});

async function logText(workflowId: string, stepId: string): Promise<string> {
  let text = '';
  const stream = env.clients.stepRuntime.getStepLogs({
    workflowId,
    instanceId: '1',
    runId: '1',
    stepId,
    attemptId: 1,
    follow: false,
    offset: '0',
  });
  for await (const m of stream) text += m.data.toString('utf8');
  return text;
}

describe('step-runtime: retention of logs and claims', () => {
  test('ended attempts lose their logs, then their claims; a running attempt keeps both', async () => {
    const mongo = new MongoClient(env.stack.mongoUrl, { directConnection: true });
    const logs = mongo.db().collection<{ _id: string; updated_at?: Date; done?: boolean }>('step_logs');
    try {
      const ended = shellStep(uniqueWorkflow('ret'), 'quick', 'echo hello');
      const running = shellStep(uniqueWorkflow('ret'), 'long', 'echo started; sleep 60; echo finished');
      const cancelled = shellStep(uniqueWorkflow('ret'), 'never', 'echo never');
      // A log that is not done but was last written long ago (a quiet step): never expires.
      const quietKey = `${uniqueWorkflow('ret')}:1:1:quiet:1`;
      await logs.insertOne({
        _id: `${quietKey}:meta`,
        chunks: 0,
        bytes: 0,
        done: false,
        truncated: false,
        updated_at: new Date(Date.now() - 86_400_000),
      } as never);
      await env.clients.stepRuntime.cancelAttempt({ attemptKey: cancelled.attemptKey, reason: 'tombstone' });
      await env.queue.enqueue(ended);
      await env.queue.enqueue(running);
      await waitFor(() => env.scheduler.finals(ended.attemptKey).length > 0, {
        what: 'the quick attempt to end',
      });
      assert.equal(await logText(ended.workflowId, 'quick'), 'hello\n');
      await waitFor(async () => (await logText(running.workflowId, 'long')) === 'started\n', {
        what: 'the long attempt to log',
      });

      // The ended attempt's log goes once it is older than the cutoff; its claim is still kept, so
      // GetStepLogs can say why the log is missing.
      let expired: Error | undefined;
      await waitFor(
        async () => {
          try {
            await logText(ended.workflowId, 'quick');
            return false;
          } catch (err) {
            expired = err as Error;
            return true;
          }
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'the ended log to expire' },
      );
      const err = await expectCode(Promise.reject(expired), 'NOT_FOUND');
      assert.match(err.message, /expired.*STEP_LOG_RETENTION_DAYS/);
      assert.equal(
        await logs.countDocuments({ _id: { $regex: `^${ended.attemptKey.replace(/\./g, '\\.')}:` } }),
        0,
        'the meta and every chunk are gone',
      );

      // The running attempt's log grows as old (plus a few sweeps), but is not done: it stays, as
      // does the quiet one.
      await waitFor(
        async () => {
          const meta = await logs.findOne({ _id: `${running.attemptKey}:meta` });
          assert.ok(meta && meta.done === false, 'the running log is still there');
          return meta.updated_at! < new Date(Date.now() - LOG_KEEP_S * 1000 - 1000);
        },
        { timeoutMs: 15_000, intervalMs: 100, what: 'the running log to pass the cutoff' },
      );
      assert.equal(await logText(running.workflowId, 'long'), 'started\n');
      assert.ok(await logs.findOne({ _id: `${quietKey}:meta` }), 'a log not done is never deleted');

      // Then the claims: the reported result and the tombstone go, the leased claim stays.
      await waitFor(
        async () => {
          const c = (await env.internal.check([ended.attemptKey, cancelled.attemptKey])).attempts;
          return !c[ended.attemptKey].finished && !c[cancelled.attemptKey].finished;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'the ended claim and the tombstone to expire' },
      );
      const live = (await env.internal.check([running.attemptKey])).attempts[running.attemptKey];
      assert.equal(live.claimed, true, 'the running attempt keeps its claim');
      assert.equal(live.finished, false);
      await expectCode(logText(ended.workflowId, 'quick'), 'NOT_FOUND');
      await env.clients.stepRuntime.cancelAttempt({ attemptKey: running.attemptKey, reason: 'test over' });
    } finally {
      await mongo.close();
    }
  });
});

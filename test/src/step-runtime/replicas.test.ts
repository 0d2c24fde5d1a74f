import { SHARED_KEYS } from '@baton/kit';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { MongoClient } from 'mongodb';
import { startReplica, type Replica } from './replica';
import { FAST_ENV, useStepRuntime } from './setup';
import { InternalClient, shellStep, uniqueWorkflow } from './work';

const scratch = mkdtempSync(join(tmpdir(), 'baton-sr-replicas-'));
// Steps run as an unprivileged user (STEP_RUN_AS_USER): their side-effect files need a dir open to it.
chmodSync(scratch, 0o1777);
let second: Replica;

type ClaimLike = { _id: string; [field: string]: unknown };

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

describe('step-runtime: two replicas', () => {
  // Both fixtures inside the suite: a suite's hooks do not wait for the file's root-level hooks.
  const env = useStepRuntime();
  beforeAll(async () => {
    second = await startReplica(env.stack, {
      ...FAST_ENV,
      LOG_LEVEL: 'warn',
      BATON_SCHEDULER_INTERNAL_ADDR: env.scheduler.addr,
    });
  });
  afterAll(async () => {
    await second?.stop();
  });

  test('share the work, and no attempt runs twice (every message enqueued twice)', async () => {
    const file = join(scratch, 'shared.txt');
    const wf = uniqueWorkflow('shared');
    const steps = Array.from({ length: 24 }, (_, i) =>
      shellStep(wf, `s${i}`, `echo "$BATON_ATTEMPT_ID" >> ${file}; sleep 0.1`),
    );
    for (const d of steps) await env.queue.enqueue(d);
    for (const d of steps) await env.queue.enqueue(d);
    await waitFor(() => steps.every((d) => env.scheduler.finals(d.attemptKey).length > 0), {
      timeoutMs: 30_000,
      what: 'every attempt to report',
    });
    await waitFor(async () => (await env.queue.redis.xlen(SHARED_KEYS.work('default'))) === 0, {
      what: 'every copy of every message to be settled',
    });
    const ran = lines(file);
    assert.equal(ran.length, steps.length, 'each attempt ran once');
    assert.equal(new Set(ran).size, steps.length);
    for (const d of steps) {
      const finals = env.scheduler.finals(d.attemptKey);
      assert.equal(finals.length, 1, `one final report for ${d.attemptKey}`);
      assert.equal(finals[0].status, 'SUCCEEDED');
    }
    const workers = new Set(steps.map((d) => env.scheduler.finals(d.attemptKey)[0].worker));
    assert.equal(workers.size, 2, 'both replicas did work');
  });

  test('a recorded but unreported result is re-sent by the sweeper', async () => {
    const mongo = new MongoClient(env.stack.mongoUrl, { directConnection: true });
    try {
      const key = `${uniqueWorkflow('orphan')}:1:1:lost:1`;
      const [workflowId] = key.split(':');
      await mongo
        .db()
        .collection<ClaimLike>('step_claims')
        .insertOne({
          _id: key,
          worker: 'crashed-worker',
          claimed_at: new Date(Date.now() - 60_000),
          lease_until: new Date(Date.now() - 45_000),
          cancel_requested: false,
          target: {
            workflowId,
            instanceKey: `${workflowId}:1:1`,
            instanceId: 1,
            runId: 1,
            stepId: 'lost',
            attempt: 1,
            stepType: 'SHELL',
            pool: 'default',
          },
          result: { status: 'SUCCEEDED', error: '', outputs_json: '{"rows": 7}' },
          finished_at: new Date(Date.now() - 50_000),
          reported: false,
        });
      await waitFor(() => env.scheduler.finals(key).length > 0, {
        timeoutMs: 10_000,
        what: 'the re-sent report',
      });
      const r = env.scheduler.finals(key)[0];
      assert.equal(r.status, 'SUCCEEDED');
      assert.equal(r.worker, 'crashed-worker');
      assert.deepEqual(r.outputs.rows.kind, { $case: 'longValue', value: '7' });
      await waitFor(
        async () =>
          (
            await mongo
              .db()
              .collection<{ _id: string; reported?: boolean }>('step_claims')
              .findOne({ _id: key })
          )?.reported === true,
        { what: 'the claim to be marked reported' },
      );
    } finally {
      await mongo.close();
    }
  });

  test('SIGTERM: a running attempt gets the grace period, then is stopped and reported PLATFORM_FAILED', async () => {
    const draining = await startReplica(env.stack, {
      ...FAST_ENV,
      LOG_LEVEL: 'warn',
      STEP_RUNTIME_POOLS: 'drain',
      BATON_SHUTDOWN_GRACE_MS: '1000',
      BATON_SCHEDULER_INTERNAL_ADDR: env.scheduler.addr,
    });
    const quick = shellStep(uniqueWorkflow('drain'), 'quick', 'sleep 0.5', { pool: 'drain' });
    const slow = shellStep(uniqueWorkflow('drain'), 'slow', 'echo started; sleep 30', { pool: 'drain' });
    await env.queue.enqueue(quick);
    await env.queue.enqueue(slow);
    await waitFor(
      () => env.scheduler.of(quick.attemptKey).length > 0 && env.scheduler.of(slow.attemptKey).length > 0,
      {
        what: 'both attempts to start',
      },
    );
    const t0 = Date.now();
    process.kill(draining.proc.child.pid!, 'SIGTERM');
    await draining.proc.exited;
    assert.equal(env.scheduler.finals(quick.attemptKey)[0]?.status, 'SUCCEEDED', 'finished within the grace');
    const stopped = env.scheduler.finals(slow.attemptKey)[0];
    assert.equal(
      stopped?.status,
      'PLATFORM_FAILED',
      'a shutdown is a platform failure, retried as a new attempt',
    );
    assert.match(stopped.error, /shut down/);
    assert.ok(Date.now() - t0 < 10_000, 'the replica exited promptly');
  });

  test('kill -9 of the replica running a step: its lease lapses and the attempt never re-runs under its key', async () => {
    const file = join(scratch, 'killed.txt');
    const pidFile = join(scratch, 'killed.pid');
    const d = shellStep(
      uniqueWorkflow('killed'),
      'long',
      `echo $$ > ${pidFile}; echo "$BATON_ATTEMPT_ID" >> ${file}; sleep 60`,
    );
    await env.queue.enqueue(d);
    await waitFor(() => lines(file).length === 1, { what: 'the step to start' });
    const live = (await env.internal.check([d.attemptKey])).attempts[d.attemptKey];
    assert.equal(live.claimed, true);
    const first = env.stack.services['step-runtime'];
    const owner = live.worker.includes(`-${first.pid}-`) ? 'first' : 'second';
    if (owner === 'first') first.kill9();
    else process.kill(-second.proc.child.pid!, 'SIGKILL');
    // Ask the replica that is still alive (any replica answers CheckAttempts from MongoDB).
    const survivor = owner === 'first' ? new InternalClient(second.internalAddr) : env.internal;
    try {
      await waitFor(
        async () => {
          const l = (await survivor.check([d.attemptKey])).attempts[d.attemptKey];
          return (
            l.claimed && !l.finished && l.leaseUntil !== undefined && l.leaseUntil.getTime() < Date.now()
          );
        },
        { timeoutMs: 10_000, what: 'the lease to lapse', intervalMs: 200 },
      );
      // The scheduler re-applying its decision enqueues the same attempt again: it must not run.
      await env.queue.enqueue(d);
      await waitFor(async () => (await env.queue.redis.xlen(SHARED_KEYS.work('default'))) === 0, {
        what: 'the surviving replica to settle the message',
      });
      assert.deepEqual(lines(file), [d.attemptKey], 'ran once');
      assert.equal(env.scheduler.finals(d.attemptKey).length, 0, 'no result for the lost attempt');
    } finally {
      if (survivor !== env.internal) survivor.close();
      // The user process outlives a SIGKILLed worker (its own process group): clean it up.
      const pid = Number(readFileSync(pidFile, 'utf8'));
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { InitiatorType, type StartWorkflowRequest, internal } from '@baton/proto';
import { Metadata, type ServiceError, credentials, status } from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

// StartRuns, the signal service's batched start of trigger fires (internal port), called as a
// hostile or buggy peer would: every start is checked as StartWorkflow checks it, one bad start
// fails alone, and a call-level limit names its field.
const env = useStack({ services: ['definition', 'scheduler'] });

const long = (v: number) => ({ kind: { $case: 'longValue' as const, value: String(v) } });
const time = (id: string) => ({
  type: InitiatorType.INITIATOR_TYPE_TIME,
  triggerId: 'every-minute',
  triggerTime: new Date(Date.UTC(2026, 0, 1, 0, Number(id))),
  timezone: 'UTC',
});

/** Starts as plain objects (fromPartial fills the rest). */
type StartLike = Parameters<typeof StartWorkflowRequest.fromPartial>[0];

function startRuns(starts: StartLike[]) {
  const c = new internal.SignalReportServiceClient(
    env.stack.internalAddresses.scheduler!,
    credentials.createInsecure(),
  );
  return new Promise<internal.StartRunResult[]>((resolve, reject) =>
    c.startRuns(
      internal.StartRunsRequest.fromPartial({ starts }),
      new Metadata(),
      { deadline: Date.now() + 30_000 },
      (err: ServiceError | null, res?: internal.StartRunsResponse) => {
        c.close();
        err ? reject(err) : resolve(res!.results);
      },
    ),
  );
}

async function callError(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  assert.fail('expected the call to fail');
}

describe('StartRuns: many trigger starts in one internal call', () => {
  test('setup', async () => {
    await push(
      env.clients,
      {
        id: 'sr.wf',
        params: { n: { type: 'LONG', value: 0 } },
        steps: [{ step: { id: 'a', type: 'NoOp' } }],
      },
      { run_strategy: { rule: 'PARALLEL', workflow_concurrency: 100 } },
    );
  });

  test('no starts, or more than 1,000: INVALID_ARGUMENT naming starts', async () => {
    for (const n of [0, 1001]) {
      const err = await callError(
        startRuns(Array.from({ length: n }, (_, i) => ({ workflowId: 'sr.wf', requestId: `x${i}` }))),
      );
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /starts/);
    }
  });

  test('each start is answered on its own: good ones start, bad ones name their field', async () => {
    const results = await startRuns([
      {
        workflowId: 'sr.wf',
        requestId: 'time:every-minute:1',
        initiator: time('1'),
        runParams: { n: long(1) },
      },
      { workflowId: 'sr.wf', initiator: time('2') },
      { workflowId: 'sr.nope', requestId: 'time:every-minute:3', initiator: time('3') },
      {
        workflowId: 'sr.wf',
        requestId: 'time:every-minute:4',
        runParams: { n: { kind: { $case: 'stringValue', value: 'x' } } },
      },
      {
        workflowId: 'sr.wf',
        requestId: 'time:every-minute:5',
        initiator: { type: InitiatorType.INITIATOR_TYPE_FOREACH },
      },
      // The first start again in the same call: the same instance, nothing new.
      {
        workflowId: 'sr.wf',
        requestId: 'time:every-minute:1',
        initiator: time('1'),
        runParams: { n: long(1) },
      },
      { workflowId: 'sr.wf', requestId: 'time:every-minute:7', initiator: time('7') },
    ]);
    assert.deepEqual(
      results.map((r) => r.code),
      [
        status.OK,
        status.INVALID_ARGUMENT,
        status.NOT_FOUND,
        status.INVALID_ARGUMENT,
        status.INVALID_ARGUMENT,
        status.OK,
        status.OK,
      ],
      results.map((r) => r.message).join(' | '),
    );
    assert.match(results[1]!.message, /starts\[1\]\.request_id/);
    assert.match(results[3]!.message, /starts\[3\]\.run_params\.n/);
    assert.match(results[4]!.message, /starts\[4\]\.initiator\.type/);
    const [first, , , , , again, last] = results;
    assert.equal(first!.response!.created, true);
    assert.equal(again!.response!.created, false);
    assert.equal(again!.response!.instanceId, first!.response!.instanceId);
    assert.notEqual(last!.response!.instanceId, first!.response!.instanceId);
    const list = await env.clients.scheduler.listInstances({ workflowId: 'sr.wf' });
    assert.equal(list.instances.length, 2, 'two instances: the repeat started nothing');
    const byId = new Map(list.instances.map((i) => [i.ref!.instanceId, i]));
    const one = byId.get(first!.response!.instanceId)!;
    assert.equal(one.initiator?.type, InitiatorType.INITIATOR_TYPE_TIME);
    assert.equal(one.initiator?.triggerTime?.getTime(), Date.UTC(2026, 0, 1, 0, 1));
  });

  test('a call repeated whole (a retry after a lost answer) starts nothing new', async () => {
    const batch = Array.from({ length: 300 }, (_, i) => ({
      workflowId: 'sr.wf',
      requestId: `time:every-minute:${100 + i}`,
      initiator: time(String(100 + i)),
    }));
    const firstTry = await startRuns(batch);
    const retry = await startRuns(batch);
    assert.ok(firstTry.every((r) => r.code === status.OK && r.response!.created));
    assert.ok(retry.every((r) => r.code === status.OK && !r.response!.created));
    assert.deepEqual(
      retry.map((r) => r.response!.instanceId),
      firstTry.map((r) => r.response!.instanceId),
    );
    const ids = new Set(firstTry.map((r) => Number(r.response!.instanceId)));
    assert.equal(ids.size, 300);
    // Gapless: the two of the test before, then these 300.
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: 300 }, (_, i) => i + 3),
    );
  });

  // A scheduler killed between a start's claim and its instance left the claim without one, and
  // every retry answered ABORTED, forever: a trigger's fire was never started. A claim stale for a
  // minute is now completed (when the instance was made) or taken over (when it was not).
  test('a claim its starter died with is completed, or taken over, by a retry', async () => {
    const mongo = new MongoClient(env.stack.mongoUrl);
    try {
      const db = mongo.db();
      const stale = Date.now() - 120_000;
      // Died after the claim: nothing else was written.
      await db.collection('start_requests').insertOne({
        _id: 'sr.wf:time:every-minute:900' as never,
        workflow_id: 'sr.wf',
        instance_id: null,
        created_at: stale,
      });
      // Died after the claim and the instance, before naming it in the claim (nor making its run).
      const made = await env.clients.scheduler.listInstances({ workflowId: 'sr.wf', pageSize: 1 });
      const next = Number(made.instances[0]!.ref!.instanceId) + 1;
      await db.collection('start_requests').insertOne({
        _id: 'sr.wf:time:every-minute:901' as never,
        workflow_id: 'sr.wf',
        instance_id: null,
        created_at: stale,
      });
      await db.collection('instances').insertOne({
        _id: `sr.wf:${next}` as never,
        kind: 'instance',
        workflow_id: 'sr.wf',
        instance_id: next,
        workflow_version: 1,
        request_id: 'time:every-minute:901',
        created_at: new Date(stale),
        run_strategy: { rule: 'PARALLEL', workflow_concurrency: 100 },
        start: { initiator: 'time' },
      });
      const [taken, completed] = await startRuns([
        { workflowId: 'sr.wf', requestId: 'time:every-minute:900', initiator: time('900') },
        { workflowId: 'sr.wf', requestId: 'time:every-minute:901', initiator: time('901') },
      ]);
      assert.equal(taken!.code, status.OK, taken!.message);
      assert.equal(completed!.code, status.OK, completed!.message);
      assert.equal(completed!.response!.instanceId, String(next), 'the instance its starter made');
      assert.equal(Number(taken!.response!.instanceId), next + 1, 'a new instance, the next id');
      for (const r of [taken!, completed!]) {
        const end = await waitEnd(env.clients, 'sr.wf', Number(r.response!.instanceId));
        assert.equal(end.status, 'SUCCEEDED');
      }
      // And a retry now answers the same instances.
      const again = await startRuns([
        { workflowId: 'sr.wf', requestId: 'time:every-minute:900', initiator: time('900') },
        { workflowId: 'sr.wf', requestId: 'time:every-minute:901', initiator: time('901') },
      ]);
      assert.deepEqual(
        again.map((r) => r.response?.instanceId),
        [taken!.response!.instanceId, completed!.response!.instanceId],
      );
    } finally {
      await mongo.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { MongoClient } from 'mongodb';
import { expectCode } from '../support/errors';
import { useStack } from '../support/stack';
import { noop, push, sleep, waitEnd } from './support';

/** Ended instances are kept this long (as the fractional days INSTANCE_RETENTION_DAYS takes). */
const KEEP_S = 6;
const env = useStack({
  services: ['definition', 'scheduler'],
  env: {
    INSTANCE_RETENTION_DAYS: String(KEEP_S / 86_400),
    SCHEDULER_RETENTION_SWEEP_MS: '300',
  },
});
const sched = () => env.clients.scheduler;
const get = (workflowId: string, instanceId: string) =>
  sched().getInstance({ ref: { workflowId, instanceId, runId: '0' } });

/** Waits (with a deadline) until the instance reads as NOT_FOUND; returns the error's message. */
async function waitGone(workflowId: string, instanceId: string): Promise<string> {
  let message = '';
  await waitFor(
    async () => {
      try {
        await get(workflowId, instanceId);
        return false;
      } catch (err) {
        message = (await expectCode(Promise.reject(err), 'NOT_FOUND')).message;
        return true;
      }
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `${workflowId}/${instanceId} to be deleted` },
  );
  return message;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('scheduler: retention of ended instances', () => {
  test('an ended instance older than the cutoff is deleted with its runs, children and history; running and recent ones stay; ids never go back', async () => {
    await push(env.clients, { id: 'ret.leaf', steps: [noop('a')] });
    await push(env.clients, {
      id: 'ret.nested',
      steps: [
        {
          foreach: {
            id: 'each',
            params: {
              loop_params: {
                value: { i: { expression: 'Util.intsBetween(0, 3, 1)', type: 'LONG_ARRAY' } },
                type: 'MAP',
              },
            },
            steps: [
              {
                subworkflow: {
                  id: 'call',
                  params: { subworkflow_id: { value: 'ret.leaf', type: 'STRING' } },
                },
              },
            ],
          },
        },
        noop('done'),
      ],
    });
    await push(env.clients, { id: 'ret.sleepy', steps: [sleep('nap', 600)] });
    await push(env.clients, { id: 'ret.once', steps: [noop('a')] });

    // Running since before the others ended: older than the cutoff, never deleted.
    const sleepy = await sched().startWorkflow({ workflowId: 'ret.sleepy' });
    const nested = await sched().startWorkflow({ workflowId: 'ret.nested' });
    const once = await sched().startWorkflow({ workflowId: 'ret.once' });
    assert.equal((await waitEnd(env.clients, 'ret.nested', nested.instanceId)).status, 'SUCCEEDED');
    assert.equal((await waitEnd(env.clients, 'ret.once', once.instanceId)).status, 'SUCCEEDED');

    const message = await waitGone('ret.nested', nested.instanceId);
    assert.match(message, /INSTANCE_RETENTION_DAYS/);
    await waitGone('ret.once', once.instanceId);

    // Nothing is left of the deleted instance but its tombstone (which keeps the id taken).
    const mongo = new MongoClient(env.stack.mongoUrl, { directConnection: true });
    try {
      const db = mongo.db();
      // NOT_FOUND comes as soon as the instance is marked; the tombstone once all is deleted.
      const instances = db.collection<{ _id: string; purged_at?: Date }>('instances');
      await waitFor(
        async () =>
          (await instances.findOne({ _id: `ret.nested:${nested.instanceId}` }))?.purged_at !== undefined,
        {
          timeoutMs: 30_000,
          what: 'the tombstone',
        },
      );
      const left = await instances
        .find({ _id: { $regex: `^${esc(`ret.nested:${nested.instanceId}:`)}` } })
        .toArray();
      assert.deepEqual(
        left.map((d) => d._id),
        [],
        'no run head is left',
      );
      const prefix = { _id: { $regex: `^${esc(`ret.nested:${nested.instanceId}:`)}` } };
      for (const c of ['instances', 'decisions', 'instance_events', 'child_events', 'live_runs'])
        assert.equal(
          await db.collection<{ _id: string }>(c).countDocuments(prefix as never),
          0,
          `${c} is empty`,
        );
      const events = await db
        .collection('instance_events')
        .countDocuments({ key: { $regex: `^${esc(`ret.nested:${nested.instanceId}:`)}` } });
      assert.equal(events, 0, 'no event of the instance or its children is left');
    } finally {
      await mongo.close();
    }

    // The running instance stays, and so does one that ended a moment ago.
    assert.equal((await get('ret.sleepy', sleepy.instanceId)).instance?.status, 'IN_PROGRESS');
    const again = await sched().startWorkflow({ workflowId: 'ret.nested' });
    assert.ok(Number(again.instanceId) > Number(nested.instanceId), 'a new, higher id');
    assert.equal((await waitEnd(env.clients, 'ret.nested', again.instanceId)).status, 'SUCCEEDED');
    assert.equal((await get('ret.nested', again.instanceId)).instance?.status, 'SUCCEEDED');
    const listed = await sched().listInstances({ workflowId: 'ret.nested' });
    assert.deepEqual(
      listed.instances.map((i) => i.ref?.instanceId),
      [again.instanceId],
    );

    // The deleted instance was its workflow's latest: the next start still gets a new id.
    const next = await sched().startWorkflow({ workflowId: 'ret.once' });
    assert.equal(next.instanceId, String(Number(once.instanceId) + 1));
  });

  test('a purge cut short (instance marked, decisions gone, head left) reads as not found and is finished by a later sweep', async () => {
    await push(env.clients, { id: 'ret.half', steps: [noop('a')] });
    const st = await sched().startWorkflow({ workflowId: 'ret.half' });
    assert.equal((await waitEnd(env.clients, 'ret.half', st.instanceId)).status, 'SUCCEEDED');
    const key = `ret.half:${st.instanceId}:1`;
    const mongo = new MongoClient(env.stack.mongoUrl, { directConnection: true });
    try {
      const db = mongo.db();
      const instances = db.collection<{ _id: string; purged_at?: Date }>('instances');
      // What a sweep killed between deleting the run's decisions and its head leaves behind.
      await instances.updateOne(
        { _id: `ret.half:${st.instanceId}` },
        { $set: { purging: { runs: 1, at: new Date() } } },
      );
      await db.collection<{ _id: string }>('decisions').deleteMany({ _id: { $regex: `^${esc(key)}:` } });
      const message = await waitGone('ret.half', st.instanceId);
      assert.match(message, /INSTANCE_RETENTION_DAYS/);
      await expectCode(
        sched().getInstance({ ref: { workflowId: 'ret.half', instanceId: st.instanceId, runId: '1' } }),
        'NOT_FOUND',
      );
      await waitFor(
        async () => (await instances.findOne({ _id: `ret.half:${st.instanceId}` }))?.purged_at !== undefined,
        {
          timeoutMs: 30_000,
          what: 'the next sweep to finish the purge',
        },
      );
      assert.equal(await instances.countDocuments({ _id: key }), 0, 'the head is gone');
    } finally {
      await mongo.close();
    }
  });
});

import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type FerretHandle, startFerret } from '@baton/testing';
import { MongoClient } from 'mongodb';
import type { InstanceDoc } from './documents';
import { InstanceStore } from './instance-store';

// The batched writes of StartRuns (a cron minute's starts), against a real FerretDB: the launcher
// and a temp dir, as the services use it.
describe('batched start writes on FerretDB', () => {
  let ferret: FerretHandle;
  let client: MongoClient;
  let store: InstanceStore;
  beforeAll(async () => {
    ferret = await startFerret();
    client = await MongoClient.connect(ferret.url);
    store = new InstanceStore(client.db('start_batch_test'));
  });
  afterAll(async () => {
    await client?.close();
    await ferret?.stop();
  });

  const make =
    (workflowId: string) =>
    (n: number): InstanceDoc => ({
      _id: `${workflowId}:${n}`,
      kind: 'instance',
      workflow_id: workflowId,
      instance_id: n,
      workflow_version: 1,
      request_id: `r${n}`,
      created_at: new Date(),
      run_strategy: { rule: 'PARALLEL', workflow_concurrency: 20 },
      start: {},
    });

  // FerretDB 1.24 holds every statement's read of a multi-statement update until the command ends,
  // one of its 100 SQLite connections each: one bulkWrite of 300 updates hung the whole server.
  test('300 claims get their instance ids, and the server still answers', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `wf.claims:req-${i}`);
    const taken = await store.requests.claimRequests(
      ids.map((_id) => ({ _id, workflow_id: 'wf.claims', instance_id: null, created_at: Date.now() })),
    );
    assert.equal(taken.size, 0);
    await store.requests.setRequestInstances(ids.map((id, i) => [id, i + 1] as const));
    for (const [i, id] of ids.entries())
      assert.equal((await store.requests.getRequest(id))?.instance_id, i + 1);
  });

  test('a request twice in one batch, or claimed before, is reported as taken', async () => {
    const doc = (_id: string) => ({ _id, workflow_id: 'wf.rep', instance_id: null, created_at: Date.now() });
    assert.equal(await store.requests.claimRequest(doc('wf.rep:a')), true);
    const taken = await store.requests.claimRequests([doc('wf.rep:a'), doc('wf.rep:b'), doc('wf.rep:b')]);
    assert.deepEqual([...taken].sort(), [0, 2]);
  });

  test('a batch allocates each workflow its next ids, gapless, around ids another replica took', async () => {
    // Another replica has started wf.b's instance 2 since this one last looked (its hint says 1).
    await store.instances.allocateInstance(make('wf.b'));
    const other = new InstanceStore(client.db('start_batch_test'));
    await other.instances.allocateInstance(make('wf.b'));
    const docs = await store.instances.allocateInstances([
      make('wf.a'),
      make('wf.b'),
      make('wf.a'),
      make('wf.b'),
      make('wf.c'),
    ]);
    // wf.b's first try (its hint + 1 = 2) was taken: that start went again and got 4.
    assert.deepEqual(
      docs.map((d) => d._id),
      ['wf.a:1', 'wf.b:4', 'wf.a:2', 'wf.b:3', 'wf.c:1'],
    );
    assert.deepEqual(
      docs.map((d) => d.instance_id),
      docs.map((d) => Number(d._id.split(':')[1])),
    );
    for (const w of ['wf.a', 'wf.b', 'wf.c'])
      assert.equal(await store.instances.latestInstanceId(w), { 'wf.a': 2, 'wf.b': 4, 'wf.c': 1 }[w]);
  });
});

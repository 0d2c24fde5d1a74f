import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type FerretHandle, startFerret } from '@baton/testing';
import { MongoClient } from 'mongodb';
import { signalId } from '../domain/signal-instance';
import type { SignalDoc } from './documents';
import { SignalStore } from './signal-store';

// Against a real FerretDB (our launcher, a temp dir): FerretDB 1.24 runs an ordered insertMany in
// chunks of 100 and goes on with the next chunk after a duplicate in an earlier one. The store must
// still never store a seq past one that failed: that would leave a hole in the gapless sequence.
describe('SignalStore.insertOrdered on FerretDB', () => {
  let ferret: FerretHandle;
  let client: MongoClient;
  let store: SignalStore;
  beforeAll(async () => {
    ferret = await startFerret();
    client = await MongoClient.connect(ferret.url);
    store = new SignalStore(client.db('signal_store_test'));
    await store.ensureIndexes();
  });
  afterAll(async () => {
    await client?.close();
    await ferret?.stop();
  });

  const doc = (name: string, seq: number, request: string): SignalDoc => ({
    _id: signalId(name, seq),
    name,
    seq,
    params: {},
    payload: '',
    request_id: request,
    request_key: `${name}|${request}`,
    created_at: Date.now(),
  });

  test('a batch of 250 whose 6th is a repeat stores the first 5 and nothing after them', async () => {
    await store.insertOrdered([doc('s.hole', 1, 'r-old')]);
    // Seqs 2..251; the 6th (seq 7) repeats request r-old, which holds seq 1 already.
    const batch = Array.from({ length: 250 }, (_, i) => doc('s.hole', i + 2, i === 5 ? 'r-old' : `r${i}`));
    assert.equal(await store.insertOrdered(batch), 5);
    const stored = await store.signals.find({ name: 's.hole' }).sort({ seq: 1 }).toArray();
    assert.deepEqual(
      stored.map((d) => d.seq),
      [1, 2, 3, 4, 5, 6],
    );
  });

  test('a batch over 100 with no repeat goes in whole', async () => {
    const batch = Array.from({ length: 230 }, (_, i) => doc('s.whole', i + 1, `w${i}`));
    assert.equal(await store.insertOrdered(batch), 230);
    assert.equal(await store.latest('s.whole'), 230);
  });
});

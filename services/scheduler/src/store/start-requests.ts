import { insertAllowingDuplicates } from '@baton/kit';
import type { Collection } from 'mongodb';
import type { StartRequestDoc } from './documents';
import { inChunks, insertIfAbsent } from './mongo-ops';

/** Updates in flight at once per call (each holds two of FerretDB's connections until it ends). */
const UPDATE_WIDTH = 8;

/** start_requests: a request id → the instance (or run) it started; the claim is the fence. */
export class StartRequests {
  constructor(readonly collection: Collection<StartRequestDoc>) {}

  getRequest(id: string): Promise<StartRequestDoc | null> {
    return this.collection.findOne({ _id: id });
  }

  /** True when this call claimed the request id (first of its kind). */
  claimRequest(doc: StartRequestDoc): Promise<boolean> {
    return insertIfAbsent(this.collection, doc);
  }

  /** Claims many in one batch; returns the indexes already claimed (by an earlier or the same batch). */
  claimRequests(docs: StartRequestDoc[]): Promise<Set<number>> {
    return insertAllowingDuplicates(this.collection, docs);
  }

  /**
   * Names the instance of each claim: one update per claim, a few at once. Not one bulkWrite:
   * FerretDB 1.24 keeps each statement's read open (one of its 100 SQLite connections) until a
   * multi-statement update ends, and a bulk of 100 updates deadlocks the whole server.
   */
  async setRequestInstances(pairs: readonly (readonly [id: string, instanceId: number])[]): Promise<void> {
    await inChunks([...pairs], UPDATE_WIDTH, ([id, instanceId]) => this.setRequestInstance(id, instanceId));
  }

  /**
   * A claim left without an instance (its starter died between the two) is taken over: the claim's
   * time moves to `now` only if it is still the stale one, so one caller wins.
   */
  async takeOver(id: string, staleAt: number, now: number): Promise<boolean> {
    const res = await this.collection.updateOne(
      { _id: id, instance_id: null, created_at: staleAt },
      { $set: { created_at: now } },
    );
    return res.modifiedCount === 1;
  }

  async setRequestInstance(id: string, instanceId: number): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { instance_id: instanceId } });
  }
}

import type { Collection } from 'mongodb';
import type { StartRequestDoc } from './documents';
import { insertIfAbsent } from './mongo-ops';

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

  async setRequestInstance(id: string, instanceId: number): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { instance_id: instanceId } });
  }
}

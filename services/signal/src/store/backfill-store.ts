import { isDuplicateKey } from '@baton/kit';
import type { Collection, Db } from 'mongodb';
import type { BackfillSpec } from '../domain/backfill';
import { type BackfillDoc, COLLECTIONS } from './documents';

/** Backfills: their definition (fire times included), and whether they are done. */
export class BackfillStore {
  private readonly backfills: Collection<BackfillDoc & { times: number[]; timezone: string; done?: boolean }>;

  constructor(db: Db) {
    this.backfills = db.collection(COLLECTIONS.backfills);
  }

  /** True when new; the same backfill (same id) is not created twice. */
  async create(spec: BackfillSpec, now: number): Promise<boolean> {
    try {
      await this.backfills.insertOne({
        _id: spec.id,
        workflow_id: spec.workflowId,
        trigger_id: spec.triggerId,
        timezone: spec.timezone,
        from: spec.from,
        to: spec.to,
        concurrency: spec.concurrency,
        total: spec.times.length,
        times: spec.times,
        created_at: now,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<(BackfillSpec & { createdAt: number; done: boolean }) | undefined> {
    const d = await this.backfills.findOne({ _id: id });
    if (!d) return undefined;
    return {
      id: d._id,
      workflowId: d.workflow_id,
      triggerId: d.trigger_id,
      timezone: d.timezone,
      from: d.from,
      to: d.to,
      concurrency: d.concurrency,
      times: d.times,
      createdAt: d.created_at,
      done: d.done === true,
    };
  }

  async markDone(id: string): Promise<void> {
    await this.backfills.updateOne({ _id: id }, { $set: { done: true } });
  }

  /** Backfills still running (the sweeper keeps them moving). */
  async active(): Promise<string[]> {
    const docs = await this.backfills.find({ done: { $ne: true } }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }
}

import { insertAllowingDuplicates } from '@baton/kit';
import type { Collection } from 'mongodb';

/**
 * alerts: `_id` = the alert's id (see Alert in scheduler.proto). One document per alert raised: the
 * dedup mark (an alert is raised once) and the outbox of its webhook deliveries — `pending` holds
 * the indexes of `urls` not delivered yet; `done_at` is set once none is (or they were given up).
 */
export interface AlertDoc {
  _id: string;
  key: string;
  /** The JSON body POSTed to each webhook. */
  body: string;
  urls: string[];
  pending: number[];
  tries: number;
  next_at: number;
  created_at: number;
  done_at?: number;
  /** Set when deliveries were given up after the last try. */
  gave_up?: boolean;
  last_error?: string;
}

export class AlertStore {
  constructor(private readonly alerts: Collection<AlertDoc>) {}

  /** The ids among `ids` raised already. */
  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const docs = await this.alerts.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => d._id));
  }

  /** Inserts alerts; a repeat (raised by another replica meanwhile) is kept as it was. */
  async insert(docs: AlertDoc[]): Promise<void> {
    await insertAllowingDuplicates(this.alerts, docs);
  }

  /** Alerts with deliveries due, oldest first. */
  due(now: number, limit: number): Promise<AlertDoc[]> {
    return this.alerts
      .find({ done_at: { $exists: false }, next_at: { $lte: now } })
      .sort({ next_at: 1 })
      .limit(limit)
      .toArray();
  }

  async update(id: string, set: Partial<AlertDoc>): Promise<void> {
    await this.alerts.updateOne({ _id: id }, { $set: set });
  }

  get(id: string): Promise<AlertDoc | null> {
    return this.alerts.findOne({ _id: id });
  }

  /** Drops alerts done before `before` (they stay in the change events stream). */
  async prune(before: number): Promise<number> {
    return (await this.alerts.deleteMany({ done_at: { $lt: before } })).deletedCount;
  }
}

import { insertAllowingDuplicates } from '@baton/kit';
import type { Collection } from 'mongodb';
import type { InstanceEvent } from '../domain';
import type { ChildEventDoc, EventDoc } from './documents';
import { deleteIds, inChunks, insertIfAbsent } from './mongo-ops';

/**
 * What runs are told: `instance_events` (kept, marked with the decision that consumed them) and
 * `child_events`, the inbox of children's ends (deleted once consumed).
 */
export class EventStore {
  constructor(
    readonly events: Collection<EventDoc>,
    readonly childEvents: Collection<ChildEventDoc>,
  ) {}

  /** Appends an event; false when it was already accepted (same id). */
  insertEvent(key: string, event: InstanceEvent): Promise<boolean> {
    return insertIfAbsent(this.events, {
      _id: event.id,
      key,
      event: JSON.stringify(event),
      created_at: Date.now(),
    });
  }

  /** Appends many events in one batch; returns the indexes already accepted (same id). */
  insertEvents(items: readonly { key: string; event: InstanceEvent }[]): Promise<Set<number>> {
    const now = Date.now();
    return insertAllowingDuplicates(
      this.events,
      items.map(({ key, event }) => ({ _id: event.id, key, event: JSON.stringify(event), created_at: now })),
    );
  }

  getEvent(id: string): Promise<EventDoc | null> {
    return this.events.findOne({ _id: id });
  }

  async markConsumed(ids: string[], seq: number): Promise<void> {
    // 8 at a time: FerretDB 1.24 holds two of its 100 connections per update until it ends, and a
    // decision that consumed hundreds of events sending them all at once (with other services'
    // updates) could take every connection and hang the server.
    await inChunks(ids, 8, (id) => this.events.updateOne({ _id: id }, { $set: { consumed_seq: seq } }));
  }

  /** Rare sweep (scans the collection on FerretDB): events not consumed yet. */
  pendingEvents(limit: number): Promise<EventDoc[]> {
    return this.events
      .find({ consumed_seq: { $exists: false } })
      .limit(limit)
      .toArray();
  }

  async insertChildEvents(docs: ChildEventDoc[]): Promise<void> {
    await insertAllowingDuplicates(this.childEvents, docs);
  }

  /** The pending child events among `ids` (a scan of a collection that holds only pending ones). */
  childEventsByIds(ids: string[]): Promise<ChildEventDoc[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.childEvents.find({ _id: { $in: ids } }).toArray();
  }

  async deleteChildEvents(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.childEvents.deleteMany({ _id: { $in: ids } });
  }

  /** Sweep: every pending child event. */
  allChildEvents(limit: number): Promise<ChildEventDoc[]> {
    return this.childEvents.find({}).limit(limit).toArray();
  }

  /** Retention: deletes events and inbox entries by id; how many went. */
  async deleteByIds(eventIds: string[], inboxIds: string[]): Promise<number> {
    return (await deleteIds(this.events, eventIds)) + (await deleteIds(this.childEvents, inboxIds));
  }
}

import type { ChangeEvent } from '@baton/proto';
import type { ChildFinishedEvent, InstanceEvent } from '../domain';
import type { Coordination } from '../redis/coordination';
import type { InstanceStore } from '../store/instance-store';

/** A childFinished event on its way to the parent `key`. */
export type ChildReport = { key: string; event: ChildFinishedEvent };

/**
 * Appends events to instances (docs/architecture.md, The decision log): the insert with the event's
 * deterministic id makes it durable and deduplicated, then the instance is
 * marked ready in Redis. Callers answer their RPC only after append resolves.
 */
export class EventLog {
  constructor(
    private readonly store: InstanceStore,
    private readonly coord: Coordination,
  ) {}

  /** True when the event is new; false for a repeat (already accepted). */
  async append(key: string, event: InstanceEvent): Promise<boolean> {
    const fresh = await this.store.events.insertEvent(key, event);
    // Also on a repeat: the first append may have crashed before reaching Redis.
    await this.coord.markReady(key, event.id);
    return fresh;
  }

  /** Change events (proto ChangeEvent) of runs just created, on the changes stream. */
  publishChanges(changes: readonly ChangeEvent[]): Promise<void> {
    return this.coord.publishChanges(changes);
  }

  /** Appends many events (one per run, say the starts of a cron minute) in one insert and one Redis round trip. */
  async appendMany(items: readonly { key: string; event: InstanceEvent }[]): Promise<void> {
    if (items.length === 0) return;
    await this.store.events.insertEvents(items);
    await this.coord.markReadyMany(items.map((it) => ({ key: it.key, eventId: it.event.id })));
  }

  /**
   * Appends an event that may wait up to `delayMs` for its decision: a step's RUNNING report.
   * Most steps of a pipeline end within a few hundred milliseconds of starting; their RUNNING and
   * their end are then decided together, one decision cycle per step instead of two.
   */
  async appendDeferred(key: string, event: InstanceEvent, delayMs: number): Promise<boolean> {
    if (delayMs <= 0) return this.append(key, event);
    const fresh = await this.store.events.insertEvent(key, event);
    await this.coord.markPendingBy(key, event.id, Date.now() + delayMs);
    return fresh;
  }

  /**
   * Appends childFinished events to their parents' inboxes (child_events) in one batch insert
   * and one Redis round trip: a foreach hears from thousands of iterations a second.
   */
  async appendChildEvents(items: ChildReport[]): Promise<void> {
    if (items.length === 0) return;
    const now = Date.now();
    await this.store.events.insertChildEvents(
      items.map((it) => ({
        _id: it.event.id,
        key: it.key,
        event: JSON.stringify(it.event),
        created_at: now,
      })),
    );
    await this.coord.markInboxReady(items.map((it) => ({ key: it.key, eventId: it.event.id })));
  }
}

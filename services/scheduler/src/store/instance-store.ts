import { isDuplicateKey, latestOf } from '@baton/kit';
import type { Collection, Db, Filter } from 'mongodb';
import type { InstanceEvent, InstanceSnapshot } from '../domain';
import {
  type DecisionDoc,
  type EventDoc,
  type InstanceDoc,
  type QueueDoc,
  type RunHead,
  type StartRequestDoc,
  decisionId,
  instanceDocId,
} from './documents';

type IdDoc = { _id: string };

/** MongoDB repository of the scheduler (see documents.ts for the invariants). */
export class InstanceStore {
  readonly instances: Collection<IdDoc>;
  readonly decisions: Collection<DecisionDoc>;
  readonly events: Collection<EventDoc>;
  readonly requests: Collection<StartRequestDoc>;
  readonly queues: Collection<IdDoc & Partial<QueueDoc>>;
  /** Per-replica hints of the latest instance id per workflow (a lower bound; see latestOf). */
  private readonly latestIdHint = new Map<string, number>();
  private readonly allocating = new Map<string, Promise<void>>();

  constructor(db: Db) {
    this.instances = db.collection<IdDoc>('instances');
    this.decisions = db.collection<DecisionDoc>('decisions');
    this.events = db.collection<EventDoc>('instance_events');
    this.requests = db.collection<StartRequestDoc>('start_requests');
    this.queues = db.collection<IdDoc & Partial<QueueDoc>>('workflow_queues');
  }

  private async exists<T extends IdDoc>(c: Collection<T>, id: string): Promise<boolean> {
    return (await c.findOne({ _id: id } as Filter<T>, { projection: { _id: 1 } })) !== null;
  }

  // ---- instance ids -----------------------------------------------------------

  async latestInstanceId(workflowId: string): Promise<number> {
    const n = await latestOf(
      (k) => this.exists(this.instances, instanceDocId(workflowId, k)),
      this.latestIdHint.get(workflowId) ?? 0,
    );
    this.latestIdHint.set(workflowId, n);
    return n;
  }

  /**
   * Allocates the next instance id: the insert of `<workflow>:<n>` is the fence, so
   * concurrent starts get distinct, gapless ids.
   */
  allocateInstance(make: (instanceId: number) => InstanceDoc): Promise<InstanceDoc> {
    // Starts of one workflow in this replica take turns: racing each other on the
    // same next id would turn 100 concurrent starts into thousands of duplicate-key
    // retries. Other replicas still race, and the unique insert keeps that correct.
    const workflowId = make(0).workflow_id;
    const prev = this.allocating.get(workflowId) ?? Promise.resolve();
    const mine = prev.catch(() => {}).then(() => this.allocateNow(workflowId, make));
    const tail = mine.then(
      () => {},
      () => {},
    );
    this.allocating.set(workflowId, tail);
    void tail.then(() => {
      if (this.allocating.get(workflowId) === tail) this.allocating.delete(workflowId);
    });
    return mine;
  }

  private async allocateNow(
    workflowId: string,
    make: (instanceId: number) => InstanceDoc,
  ): Promise<InstanceDoc> {
    for (let i = 0; i < 500; i++) {
      const n = (await this.latestInstanceId(workflowId)) + 1;
      const doc = make(n);
      try {
        await this.instances.insertOne(doc as unknown as IdDoc);
        this.latestIdHint.set(workflowId, n);
        return doc;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`too many concurrent starts of ${workflowId}`);
  }

  getInstance(workflowId: string, instanceId: number): Promise<InstanceDoc | null> {
    return this.instances.findOne({
      _id: instanceDocId(workflowId, instanceId),
    }) as Promise<InstanceDoc | null>;
  }

  async latestRunId(workflowId: string, instanceId: number): Promise<number> {
    return latestOf((r) => this.exists(this.instances, `${workflowId}:${instanceId}:${r}`), 1);
  }

  // ---- run-strategy queues -----------------------------------------------------

  async queueCursor(workflowId: string): Promise<number> {
    return (await this.queues.findOne({ _id: workflowId }))?.cursor ?? 1;
  }

  async setQueueCursor(workflowId: string, cursor: number): Promise<void> {
    await this.queues.replaceOne({ _id: workflowId }, { cursor, updated_at: Date.now() }, { upsert: true });
  }

  async isUnblocked(workflowId: string, instanceId: number): Promise<boolean> {
    return this.exists(this.queues, `${workflowId}:unblock:${instanceId}`);
  }

  async unblock(workflowId: string, instanceId: number): Promise<void> {
    try {
      await this.queues.insertOne({ _id: `${workflowId}:unblock:${instanceId}` });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  // ---- start requests ----------------------------------------------------------

  getRequest(id: string): Promise<StartRequestDoc | null> {
    return this.requests.findOne({ _id: id });
  }

  /** True when this call claimed the request id (first of its kind). */
  async claimRequest(doc: StartRequestDoc): Promise<boolean> {
    try {
      await this.requests.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async setRequestInstance(id: string, instanceId: number): Promise<void> {
    await this.requests.updateOne({ _id: id }, { $set: { instance_id: instanceId } });
  }

  // ---- runs -------------------------------------------------------------------

  getHead(key: string): Promise<RunHead | null> {
    return this.instances.findOne({ _id: key }) as Promise<RunHead | null>;
  }

  /** Inserts a run's head; false when it exists (a duplicate create). */
  async insertHead(head: RunHead): Promise<boolean> {
    try {
      await this.instances.insertOne(head as unknown as IdDoc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async writeHead(head: RunHead): Promise<void> {
    await this.instances.replaceOne({ _id: head._id }, head as unknown as IdDoc, { upsert: true });
  }

  // ---- decisions ---------------------------------------------------------------

  /** The newest decision of a run (the decision log is gapless from 0). */
  async latestDecision(key: string, hint: number): Promise<DecisionDoc | null> {
    const seq = await latestOf((s) => this.exists(this.decisions, decisionId(key, s)), hint, 0);
    return seq < 0 ? null : this.decisions.findOne({ _id: decisionId(key, seq) });
  }

  getDecision(key: string, seq: number): Promise<DecisionDoc | null> {
    return this.decisions.findOne({ _id: decisionId(key, seq) });
  }

  /** The fence: false when another replica inserted this decision first. */
  async insertDecision(doc: DecisionDoc): Promise<boolean> {
    try {
      await this.decisions.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  // ---- events ------------------------------------------------------------------

  /** Appends an event; false when it was already accepted (same id). */
  async insertEvent(key: string, event: InstanceEvent): Promise<boolean> {
    try {
      await this.events.insertOne({
        _id: event.id,
        key,
        event: JSON.stringify(event),
        created_at: Date.now(),
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  getEvent(id: string): Promise<EventDoc | null> {
    return this.events.findOne({ _id: id });
  }

  async markConsumed(ids: string[], seq: number): Promise<void> {
    await Promise.all(ids.map((id) => this.events.updateOne({ _id: id }, { $set: { consumed_seq: seq } })));
  }

  /** Rare sweep (scans the collection on FerretDB): events not consumed yet. */
  pendingEvents(limit: number): Promise<EventDoc[]> {
    return this.events
      .find({ consumed_seq: { $exists: false } })
      .limit(limit)
      .toArray();
  }

  /** Rare sweep: heads of runs that have not ended. */
  liveHeads(limit: number): Promise<RunHead[]> {
    return this.instances
      .find({ kind: 'run', status: { $in: ['CREATED', 'IN_PROGRESS', 'PAUSED'] } } as Filter<IdDoc>, {
        projection: { timeline: 0 },
      })
      .limit(limit)
      .toArray() as unknown as Promise<RunHead[]>;
  }
}

export type { InstanceSnapshot };

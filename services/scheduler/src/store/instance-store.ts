import { isDuplicateKey, latestOf } from '@baton/kit';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Collection, Db, Filter } from 'mongodb';
import { type InstanceEvent, type InstanceSnapshot, isInstanceTerminal } from '../domain';
import {
  type ChildEventDoc,
  type DecisionDoc,
  type EventDoc,
  type InstanceDoc,
  type LiveRunDoc,
  type PurgedInstanceDoc,
  type QueueDoc,
  type RunHead,
  type StartRequestDoc,
  decisionId,
  instanceDocId,
} from './documents';

type IdDoc = { _id: string };

/**
 * Inserts documents in one batch (one SQLite transaction on FerretDB: ~10x a loop of insertOne),
 * unordered, and returns the indexes that already existed. Any other error throws.
 */
async function insertAllowingDuplicates<T extends IdDoc>(c: Collection<T>, docs: T[]): Promise<Set<number>> {
  const dups = new Set<number>();
  if (docs.length === 0) return dups;
  try {
    await c.insertMany(docs as unknown as Parameters<Collection<T>['insertMany']>[0], { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { index: number; code?: number }[] | object }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (!isDuplicateKey(err) || list.some((w) => (w as { code?: number }).code !== 11000)) throw err;
    for (const w of list) dups.add((w as { index: number }).index);
  }
  return dups;
}

/**
 * Decisions and run heads are stored with their bulky parts (snapshot, actions, timeline...)
 * deflated into one base64 string, `body`. FerretDB's insert cost grows with a document's bytes
 * and nesting: a child's documents store ~3x faster this way, and a foreach writes them once per
 * iteration. Documents written before this encoding (all fields in the open) are read as they are.
 */
function pack(fields: object): string {
  return deflateRawSync(JSON.stringify(fields), { level: 1 }).toString('base64');
}

function unpack(body: string): object {
  return JSON.parse(inflateRawSync(Buffer.from(body, 'base64')).toString('utf8'));
}

/** A decision as stored: what the sweeps and fences read in the open, the rest in `body`. */
type StoredDecision = Pick<DecisionDoc, '_id' | 'key' | 'seq' | 'created_at'> & {
  body?: string;
} & Partial<DecisionDoc>;

function encodeDecision(d: DecisionDoc): StoredDecision {
  const { _id, key, seq, created_at, ...rest } = d;
  return { _id, key, seq, created_at, body: pack(rest) };
}

function decodeDecision(raw: StoredDecision): DecisionDoc {
  if (raw.body === undefined) return raw as DecisionDoc;
  const { body, ...open } = raw;
  return { ...open, ...unpack(body) } as DecisionDoc;
}

/** A run head as stored: `kind` in the open (instance documents share the collection). */
type StoredHead = { _id: string; kind: 'run'; body?: string };

function encodeHead(h: RunHead): StoredHead {
  const { _id, kind, ...rest } = h;
  return { _id, kind, body: pack(rest) };
}

function decodeHead(raw: StoredHead): RunHead {
  if (raw.body === undefined) return raw as unknown as RunHead;
  return { _id: raw._id, kind: raw.kind, ...unpack(raw.body) } as RunHead;
}

/** Up to `width` lookups at once: enough to keep FerretDB busy without a burst of thousands. */
async function inChunks<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

/** Deletes sent per round trip. */
const DELETE_BATCH = 1_000;

/**
 * Deletes by `_id` in one round trip: a bulk of single-`_id` deletes, each answered by key on
 * FerretDB (a `$in` filter would scan the collection).
 */
async function deleteByIds(c: Collection<IdDoc>, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await c.bulkWrite(
    ids.map((id) => ({ deleteOne: { filter: { _id: id } } })),
    { ordered: false },
  );
  return res.deletedCount;
}

/** An instance deleted, or being deleted, under retention. */
export function isPurged(doc: InstanceDoc | PurgedInstanceDoc): boolean {
  return 'purged_at' in doc || (doc as InstanceDoc).purging !== undefined;
}

/** MongoDB repository of the scheduler (see documents.ts for the invariants). */
export class InstanceStore {
  readonly instances: Collection<IdDoc>;
  readonly decisions: Collection<StoredDecision>;
  readonly events: Collection<EventDoc>;
  readonly requests: Collection<StartRequestDoc>;
  readonly queues: Collection<IdDoc & Partial<QueueDoc>>;
  readonly childEvents: Collection<ChildEventDoc>;
  readonly live: Collection<LiveRunDoc>;
  /** Per-replica hints of the latest instance id per workflow (a lower bound; see latestOf). */
  private readonly latestIdHint = new Map<string, number>();
  private readonly allocating = new Map<string, Promise<void>>();

  constructor(db: Db) {
    this.instances = db.collection<IdDoc>('instances');
    this.decisions = db.collection<StoredDecision>('decisions');
    this.events = db.collection<EventDoc>('instance_events');
    this.requests = db.collection<StartRequestDoc>('start_requests');
    this.queues = db.collection<IdDoc & Partial<QueueDoc>>('workflow_queues');
    this.childEvents = db.collection<ChildEventDoc>('child_events');
    this.live = db.collection<LiveRunDoc>('live_runs');
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
    // The id after the last one this replica saw is free unless another replica started one since:
    // trying it first saves the lookups of the latest (one start, one insert); a taken id falls
    // back to looking. The hint is an id that exists, so the ids stay gapless either way.
    const hint = this.latestIdHint.get(workflowId);
    for (let i = 0; i < 500; i++) {
      const n = i === 0 && hint !== undefined ? hint + 1 : (await this.latestInstanceId(workflowId)) + 1;
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

  /** The instance, or null when it does not exist or was (or is being) deleted under retention. */
  async getInstance(workflowId: string, instanceId: number): Promise<InstanceDoc | null> {
    const doc = await this.getInstanceDoc(workflowId, instanceId);
    return doc && !isPurged(doc) ? (doc as InstanceDoc) : null;
  }

  /** The instance document as stored: also a retention tombstone or an instance being deleted. */
  getInstanceDoc(workflowId: string, instanceId: number): Promise<InstanceDoc | PurgedInstanceDoc | null> {
    return this.instances.findOne({
      _id: instanceDocId(workflowId, instanceId),
    }) as Promise<InstanceDoc | PurgedInstanceDoc | null>;
  }

  // ---- retention ------------------------------------------------------------------

  /**
   * Retention candidates: instance documents created before `cutoff`, not yet tombstoned, in `_id`
   * order after `after` (a cursor, so instances that cannot go yet do not hide the rest). Not by
   * `_id` alone, so FerretDB scans `instances` (run heads included): acceptable for a sweep that
   * runs about hourly on one replica, never on a request path.
   */
  expiryCandidates(cutoff: number, after: string, limit: number): Promise<InstanceDoc[]> {
    return this.instances
      .find({
        kind: 'instance',
        created_at: { $lt: new Date(cutoff) },
        purged_at: { $exists: false },
        _id: { $gt: after },
      } as Filter<IdDoc>)
      .sort({ _id: 1 })
      .limit(limit)
      .toArray() as unknown as Promise<InstanceDoc[]>;
  }

  /** Marks an instance as being deleted (its only writer from now on is the retention sweep). */
  async markPurging(doc: InstanceDoc, runs: number): Promise<void> {
    await this.instances.updateOne({ _id: doc._id }, { $set: { purging: { runs, at: new Date() } } });
  }

  /** Undoes markPurging (a run appeared while the sweep worked: the instance lives on). */
  async unmarkPurging(doc: InstanceDoc): Promise<void> {
    await this.instances.updateOne({ _id: doc._id }, { $unset: { purging: '' } });
  }

  /** Replaces the instance document with its tombstone, the last step of deleting an instance. */
  async tombstone(doc: InstanceDoc): Promise<void> {
    const stone: PurgedInstanceDoc = {
      _id: doc._id,
      kind: 'instance',
      workflow_id: doc.workflow_id,
      instance_id: doc.instance_id,
      created_at: doc.created_at,
      purged_at: new Date(),
    };
    await this.instances.replaceOne({ _id: doc._id }, stone);
  }

  /** Deletes documents by `_id`, one round trip per 1,000 (see deleteByIds). */
  async deleteIds(c: Collection<IdDoc> | Collection<StoredDecision> | Collection<EventDoc>, ids: string[]) {
    let deleted = 0;
    for (let i = 0; i < ids.length; i += DELETE_BATCH)
      deleted += await deleteByIds(c as unknown as Collection<IdDoc>, ids.slice(i, i + DELETE_BATCH));
    return deleted;
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

  async getHead(key: string): Promise<RunHead | null> {
    const raw = await this.instances.findOne({ _id: key });
    return raw && decodeHead(raw as StoredHead);
  }

  /** Inserts a run's head; false when it exists (a duplicate create). */
  async insertHead(head: RunHead): Promise<boolean> {
    try {
      await this.instances.insertOne(encodeHead(head));
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Inserts heads in one batch; an existing head is left as it is (it may have moved on). */
  async insertHeads(heads: RunHead[]): Promise<void> {
    await insertAllowingDuplicates(this.instances, heads.map(encodeHead));
  }

  /** Many heads by key (missing ones omitted). */
  async getHeads(keys: string[]): Promise<RunHead[]> {
    const heads = await inChunks(keys, 64, (k) => this.getHead(k));
    return heads.filter((h): h is RunHead => h !== null);
  }

  async writeHead(head: RunHead): Promise<void> {
    await this.instances.replaceOne({ _id: head._id }, encodeHead(head), { upsert: true });
  }

  // ---- decisions ---------------------------------------------------------------

  /** The newest decision of a run (the decision log is gapless from 0). */
  async latestDecision(key: string, hint: number): Promise<DecisionDoc | null> {
    // Usually the head's own decision is the newest: read it whole and check there is no next one
    // (two reads); only when there is, look further (a decision not applied to the head yet).
    if (hint >= 0) {
      const [atHint, next] = await Promise.all([
        this.getDecision(key, hint),
        this.exists(this.decisions, decisionId(key, hint + 1)),
      ]);
      if (atHint && !next) return atHint;
    }
    const seq = await latestOf((s) => this.exists(this.decisions, decisionId(key, s)), hint, 0);
    return seq < 0 ? null : this.getDecision(key, seq);
  }

  /** Inserts decisions in one batch; returns the ids that existed already (fences lost). */
  async insertDecisions(docs: DecisionDoc[]): Promise<Set<string>> {
    const dups = await insertAllowingDuplicates(this.decisions, docs.map(encodeDecision));
    return new Set([...dups].map((i) => docs[i]!._id));
  }

  hasDecision(key: string, seq: number): Promise<boolean> {
    return this.exists(this.decisions, decisionId(key, seq));
  }

  async getDecision(key: string, seq: number): Promise<DecisionDoc | null> {
    const raw = await this.decisions.findOne({ _id: decisionId(key, seq) });
    return raw && decodeDecision(raw);
  }

  /** The fence: false when another replica inserted this decision first. */
  async insertDecision(doc: DecisionDoc): Promise<boolean> {
    try {
      await this.decisions.insertOne(encodeDecision(doc));
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

  // ---- child events (the inbox) ---------------------------------------------------

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

  // ---- live runs -------------------------------------------------------------------

  async insertLive(keys: string[], now = Date.now()): Promise<void> {
    await insertAllowingDuplicates(
      this.live,
      keys.map((k) => ({ _id: k, created_at: now })),
    );
  }

  async deleteLive(key: string): Promise<void> {
    await this.live.deleteOne({ _id: key });
  }

  /** Rare sweep (scans the collection on FerretDB): events not consumed yet. */
  pendingEvents(limit: number): Promise<EventDoc[]> {
    return this.events
      .find({ consumed_seq: { $exists: false } })
      .limit(limit)
      .toArray();
  }

  /**
   * Sweep: heads of runs that have not ended, read by key from live_runs (never a scan of all
   * heads). Entries whose run ended are dropped; an entry without a head yet is kept (its head
   * is being inserted).
   */
  async liveHeads(limit: number): Promise<RunHead[]> {
    const keys = (await this.live.find({}).limit(limit).toArray()).map((d) => d._id);
    const heads = await this.getHeads(keys);
    const live: RunHead[] = [];
    for (const h of heads) {
      if (!isInstanceTerminal(h.status)) live.push(h);
      else await this.deleteLive(h._id);
    }
    return live;
  }

  /** The runs among `heads` whose next decision is inserted but not applied (redo them). */
  async unapplied(heads: RunHead[]): Promise<string[]> {
    const found = await inChunks(heads, 64, (h) => this.hasDecision(h._id, h.seq + 1));
    return heads.filter((_h, i) => found[i]).map((h) => h._id);
  }
}

export type { InstanceSnapshot };

import { isDuplicateKey, latestOf, insertAllowingDuplicates } from '@baton/kit';
import type { Collection, Filter } from 'mongodb';
import { type InstanceDoc, type PurgedInstanceDoc, instanceDocId } from './documents';
import { type IdDoc, existsById, inChunks } from './mongo-ops';

/** An instance deleted, or being deleted, under retention. */
export function isPurged(doc: InstanceDoc | PurgedInstanceDoc): boolean {
  return 'purged_at' in doc || (doc as InstanceDoc).purging !== undefined;
}

/**
 * Instance documents (`instances`, kind "instance"): gapless id allocation, reads, and the
 * retention sweep's marks and tombstones. Run heads share the collection (see RunHeads).
 */
export class InstanceDocs {
  /** Per-replica hints of the latest instance id per workflow (a lower bound; see latestOf). */
  private readonly latestIdHint = new Map<string, number>();
  private readonly allocating = new Map<string, Promise<void>>();

  constructor(readonly collection: Collection<IdDoc>) {}

  async latestInstanceId(workflowId: string): Promise<number> {
    const n = await latestOf(
      (k) => existsById(this.collection, instanceDocId(workflowId, k)),
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

  /**
   * Allocates many instances at once (a cron minute's trigger fires), in one batched insert: each
   * workflow's next ids after its latest (hint or lookup), in order. An id another replica took
   * meanwhile is a duplicate, and that document goes through allocateInstance. The batch holds
   * each workflow's turn in this replica, so single starts wait for it rather than collide. The
   * ids stay gapless: a duplicate id exists, and every id below an inserted one was inserted or taken.
   */
  allocateInstances(makes: readonly ((instanceId: number) => InstanceDoc)[]): Promise<InstanceDoc[]> {
    const workflows = [...new Set(makes.map((m) => m(0).workflow_id))];
    const prevs = workflows.map((w) => (this.allocating.get(w) ?? Promise.resolve()).catch(() => {}));
    const mine = Promise.all(prevs).then(() => this.allocateBatch(makes));
    const tail = mine.then(
      () => {},
      () => {},
    );
    for (const w of workflows) {
      this.allocating.set(w, tail);
      void tail.then(() => {
        if (this.allocating.get(w) === tail) this.allocating.delete(w);
      });
    }
    return mine;
  }

  private async allocateBatch(
    makes: readonly ((instanceId: number) => InstanceDoc)[],
  ): Promise<InstanceDoc[]> {
    const ids = makes.map((m) => m(0).workflow_id);
    const unknown = [...new Set(ids.filter((w) => !this.latestIdHint.has(w)))];
    await inChunks(unknown, 64, (w) => this.latestInstanceId(w));
    const next = new Map<string, number>();
    const docs = makes.map((make, k) => {
      const w = ids[k]!;
      const n = (next.get(w) ?? this.latestIdHint.get(w)!) + 1;
      next.set(w, n);
      return make(n);
    });
    const taken = await insertAllowingDuplicates(this.collection, docs as unknown as IdDoc[]);
    for (const [k, doc] of docs.entries()) {
      if (taken.has(k)) continue;
      const w = doc.workflow_id;
      if (doc.instance_id > (this.latestIdHint.get(w) ?? 0)) this.latestIdHint.set(w, doc.instance_id);
    }
    // Taken ids go again, one at a time per workflow (allocateNow looks the latest up).
    const retry = new Map<string, number[]>();
    for (const k of taken) retry.set(ids[k]!, [...(retry.get(ids[k]!) ?? []), k]);
    await Promise.all(
      [...retry.values()].map(async (ks) => {
        for (const k of ks) docs[k] = await this.allocateNow(ids[k]!, makes[k]!);
      }),
    );
    return docs;
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
        await this.collection.insertOne(doc as unknown as IdDoc);
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

  /**
   * The instance a start request made, if any: it was allocated after its claim (at `since`, the
   * claim's time, which its created_at repeats), so it is among the latest ids; looked for newest
   * first, back to the first one older than the claim. Only for claims found without an instance.
   */
  async findByRequest(workflowId: string, requestId: string, since: number): Promise<number | null> {
    for (let n = await this.latestInstanceId(workflowId), k = 0; n >= 1 && k < 10_000; n--, k++) {
      const doc = await this.getInstanceDoc(workflowId, n);
      if (!doc || isPurged(doc)) continue;
      const inst = doc as InstanceDoc;
      if (inst.request_id === requestId) return n;
      if (inst.created_at.getTime() < since) return null;
    }
    return null;
  }

  /** The instance document as stored: also a retention tombstone or an instance being deleted. */
  getInstanceDoc(workflowId: string, instanceId: number): Promise<InstanceDoc | PurgedInstanceDoc | null> {
    return this.collection.findOne({
      _id: instanceDocId(workflowId, instanceId),
    }) as Promise<InstanceDoc | PurgedInstanceDoc | null>;
  }

  async latestRunId(workflowId: string, instanceId: number): Promise<number> {
    return latestOf((r) => existsById(this.collection, `${workflowId}:${instanceId}:${r}`), 1);
  }

  // ---- retention ------------------------------------------------------------------

  /**
   * Retention candidates: instance documents created before `cutoff`, not yet tombstoned, in `_id`
   * order after `after` (a cursor, so instances that cannot go yet do not hide the rest). Not by
   * `_id` alone, so FerretDB scans `instances` (run heads included): acceptable for a sweep that
   * runs about hourly on one replica, never on a request path.
   */
  expiryCandidates(cutoff: number, after: string, limit: number): Promise<InstanceDoc[]> {
    return this.collection
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
    await this.collection.updateOne({ _id: doc._id }, { $set: { purging: { runs, at: new Date() } } });
  }

  /** Undoes markPurging (a run appeared while the sweep worked: the instance lives on). */
  async unmarkPurging(doc: InstanceDoc): Promise<void> {
    await this.collection.updateOne({ _id: doc._id }, { $unset: { purging: '' } });
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
    await this.collection.replaceOne({ _id: doc._id }, stone);
  }
}

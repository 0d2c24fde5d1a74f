import { isDuplicateKey, latestOf } from '@baton/kit';
import type { Collection, Db, Filter } from 'mongodb';
import {
  COLLECTIONS,
  type Head,
  type SnapshotDoc,
  type VersionDoc,
  type WorkflowDoc,
  snapshotId,
  versionId,
} from './documents';

/** How many times an insert of "the next number" is retried against concurrent writers before ABORTED. */
const MAX_RACE_RETRIES = 200;

export class RaceLostError extends Error {}

/** MongoDB repository of the definition service (see documents.ts for the invariants). */
export class DefinitionStore {
  readonly versions: Collection<VersionDoc>;
  readonly snapshots: Collection<SnapshotDoc>;
  readonly workflows: Collection<WorkflowDoc>;

  constructor(db: Db) {
    this.versions = db.collection<VersionDoc>(COLLECTIONS.versions);
    this.snapshots = db.collection<SnapshotDoc>(COLLECTIONS.snapshots);
    this.workflows = db.collection<WorkflowDoc>(COLLECTIONS.workflows);
  }

  async ensureIndexes(): Promise<void> {
    await this.versions.createIndex(
      { workflow_id: 1, version: -1 },
      { unique: true, name: 'workflow_version' },
    );
    await this.snapshots.createIndex(
      { workflow_id: 1, snapshot: -1 },
      { unique: true, name: 'workflow_snapshot' },
    );
    await this.workflows.createIndex({ owner: 1, _id: 1 }, { name: 'owner_id' });
    await this.workflows.createIndex({ tags: 1, _id: 1 }, { name: 'tags_id' });
    // ListWorkflowTriggers (on MongoDB; FerretDB scans the summaries, one small document each).
    await this.workflows.createIndex({ has_triggers: 1, _id: 1 }, { name: 'has_triggers_id' });
    await this.workflows.createIndex({ triggers_changed_at: 1 }, { name: 'triggers_changed_at' });
  }

  /**
   * The number of the latest version (0 when none). Versions are gapless (1..n,
   * fenced by unique inserts), so the latest is found by _id lookups alone:
   * gallop forward from the summary's hint, then bisect. Reads by _id are the only
   * ones FerretDB answers without scanning the collection, and version documents
   * are large (a 10,000-step definition is ~1 MiB).
   */
  async latestVersionNumber(workflowId: string): Promise<number> {
    const hint = (await this.summary(workflowId))?.latest_version ?? 0;
    return latestOf((n) => this.exists(this.versions, versionId(workflowId, n)), hint);
  }

  async latestVersion(workflowId: string, withDefinition = true): Promise<VersionDoc | null> {
    const n = await this.latestVersionNumber(workflowId);
    return n === 0 ? null : this.getVersion(workflowId, n, withDefinition);
  }

  getVersion(workflowId: string, version: number, withDefinition = true): Promise<VersionDoc | null> {
    return this.versions.findOne(
      { _id: versionId(workflowId, version) },
      { projection: withDefinition ? undefined : { definition_json: 0 } },
    );
  }

  /** Versions `from` down to `to` (inclusive), newest first, without their definitions. */
  async versionRange(workflowId: string, from: number, to: number): Promise<VersionDoc[]> {
    const numbers = [];
    for (let n = from; n >= to && n >= 1; n--) numbers.push(n);
    const docs = await Promise.all(numbers.map((n) => this.getVersion(workflowId, n, false)));
    return docs.filter((d): d is VersionDoc => d !== null);
  }

  /** The latest snapshot, found like the latest version (gapless numbers, _id lookups only). */
  async latestSnapshot(workflowId: string): Promise<SnapshotDoc | null> {
    const hint = (await this.summary(workflowId))?.snapshot ?? 0;
    const n = await latestOf((k) => this.exists(this.snapshots, snapshotId(workflowId, k)), hint);
    return n === 0 ? null : this.snapshots.findOne({ _id: snapshotId(workflowId, n) });
  }

  /** Where a workflow's logs end, read by _id only (see latestOf). */
  async head(workflowId: string): Promise<Head> {
    const summary = await this.summary(workflowId);
    const [latestVersion, snapshotNumber] = await Promise.all([
      latestOf((n) => this.exists(this.versions, versionId(workflowId, n)), summary?.latest_version ?? 0),
      latestOf((n) => this.exists(this.snapshots, snapshotId(workflowId, n)), summary?.snapshot ?? 0),
    ]);
    const snapshot =
      snapshotNumber === 0
        ? null
        : await this.snapshots.findOne({ _id: snapshotId(workflowId, snapshotNumber) });
    return { incarnation: summary?.created_at?.getTime() ?? 0, latestVersion, snapshot };
  }

  summary(workflowId: string): Promise<WorkflowDoc | null> {
    return this.workflows.findOne({ _id: workflowId });
  }

  private async exists<T extends { _id: string }>(c: Collection<T>, id: string): Promise<boolean> {
    return (await c.findOne({ _id: id } as Filter<T>, { projection: { _id: 1 } })) !== null;
  }

  /**
   * Stores a version unless the latest one has the same digest. Loops on duplicate
   * keys: the insert of `latest + 1` is the fence between concurrent pushes.
   */
  async insertVersionUnlessSame(
    workflowId: string,
    digest: string,
    make: (version: number) => VersionDoc,
  ): Promise<{ doc: VersionDoc; created: boolean }> {
    for (let i = 0; i < MAX_RACE_RETRIES; i++) {
      const latest = await this.latestVersion(workflowId, false);
      if (latest && latest.digest === digest) return { doc: latest, created: false };
      const doc = make((latest?.version ?? 0) + 1);
      try {
        await this.versions.insertOne(doc);
        return { doc, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new RaceLostError(`too many concurrent pushes to ${workflowId}`);
  }

  /**
   * Appends the next snapshot computed from the latest one, unless `next` returns
   * undefined (nothing changed). Same fence as versions: the unique `_id` insert.
   */
  async appendSnapshot(
    workflowId: string,
    next: (latest: SnapshotDoc | null) => Omit<SnapshotDoc, '_id' | 'snapshot' | 'workflow_id'> | undefined,
  ): Promise<{ doc: SnapshotDoc | null; previous: SnapshotDoc | null; appended: boolean }> {
    for (let i = 0; i < MAX_RACE_RETRIES; i++) {
      const latest = await this.latestSnapshot(workflowId);
      const body = next(latest);
      if (!body) return { doc: latest, previous: latest, appended: false };
      const snapshot = (latest?.snapshot ?? 0) + 1;
      const doc: SnapshotDoc = {
        _id: snapshotId(workflowId, snapshot),
        workflow_id: workflowId,
        snapshot,
        ...body,
      };
      try {
        await this.snapshots.insertOne(doc);
        return { doc, previous: latest, appended: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new RaceLostError(`too many concurrent changes to ${workflowId}`);
  }

  /** Rewrites the list summary from the logs (see WorkflowDoc). */
  async refreshSummary(workflowId: string, summary: Omit<WorkflowDoc, '_id' | 'created_at'>): Promise<void> {
    await this.workflows.updateOne(
      { _id: workflowId },
      { $set: summary, $setOnInsert: { created_at: summary.updated_at } },
      { upsert: true },
    );
  }

  async deleteWorkflow(workflowId: string): Promise<number> {
    const versions = await this.latestVersionNumber(workflowId);
    const snapshots = (await this.latestSnapshot(workflowId))?.snapshot ?? 0;
    // Summary first: the workflow leaves lists at once; the logs follow, by _id.
    await this.workflows.deleteOne({ _id: workflowId });
    const ids = (n: number, id: (k: number) => string) => Array.from({ length: n }, (_, i) => id(i + 1));
    const { deletedCount } = await this.versions.deleteMany({
      _id: { $in: ids(versions, (k) => versionId(workflowId, k)) },
    });
    await this.snapshots.deleteMany({ _id: { $in: ids(snapshots, (k) => snapshotId(workflowId, k)) } });
    return deletedCount;
  }
}

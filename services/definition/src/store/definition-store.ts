import { isDuplicateKey } from '@baton/kit';
import type { Collection, Db } from 'mongodb';
import {
  COLLECTIONS,
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
  }

  latestVersion(workflowId: string, withDefinition = true): Promise<VersionDoc | null> {
    return this.versions.findOne(
      { workflow_id: workflowId },
      { sort: { version: -1 }, projection: withDefinition ? undefined : { definition_json: 0 } },
    );
  }

  getVersion(workflowId: string, version: number): Promise<VersionDoc | null> {
    return this.versions.findOne({ _id: versionId(workflowId, version) });
  }

  latestSnapshot(workflowId: string): Promise<SnapshotDoc | null> {
    return this.snapshots.findOne({ workflow_id: workflowId }, { sort: { snapshot: -1 } });
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
    // Summary first: the workflow leaves lists at once; the logs follow.
    await this.workflows.deleteOne({ _id: workflowId });
    const { deletedCount } = await this.versions.deleteMany({ workflow_id: workflowId });
    await this.snapshots.deleteMany({ workflow_id: workflowId });
    return deletedCount;
  }
}

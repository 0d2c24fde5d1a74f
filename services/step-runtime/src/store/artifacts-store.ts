import { Binary, type Collection, type Db } from 'mongodb';

export const ARTIFACTS_COLLECTION = 'step_artifacts';

/** `step_artifacts._id = <attemptKey>`: the file an attempt kept (the executed notebook). */
export interface ArtifactDoc {
  _id: string;
  name: string;
  data: Binary;
  size: number;
  created_at: Date;
}

/** Files attempts kept, one per attempt; they live as long as the attempt's log. */
export class ArtifactsStore {
  readonly artifacts: Collection<ArtifactDoc>;

  constructor(db: Db) {
    this.artifacts = db.collection<ArtifactDoc>(ARTIFACTS_COLLECTION);
  }

  /** Idempotent: a repeat (a re-run of the recording after a crash) replaces it with the same bytes. */
  async put(attemptKey: string, name: string, data: Buffer): Promise<void> {
    await this.artifacts.replaceOne(
      { _id: attemptKey },
      { name, data: new Binary(data), size: data.length, created_at: new Date() },
      { upsert: true },
    );
  }

  get(attemptKey: string): Promise<ArtifactDoc | null> {
    return this.artifacts.findOne({ _id: attemptKey });
  }

  async exists(attemptKey: string): Promise<boolean> {
    return (await this.artifacts.findOne({ _id: attemptKey }, { projection: { _id: 1 } })) !== null;
  }

  async deleteMany(attemptKeys: string[]): Promise<void> {
    if (attemptKeys.length > 0) await this.artifacts.deleteMany({ _id: { $in: attemptKeys } });
  }
}

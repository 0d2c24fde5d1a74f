import { isDuplicateKey } from '@baton/kit';
import type { Collection, Db, Filter } from 'mongodb';
import { logChunkId, logMetaId } from '../domain/attempt-key.js';

export const LOGS_COLLECTION = 'step_logs';

/**
 * `step_logs._id = <attemptKey>:<n>` (n = 0, 1, 2… gapless): one piece of one stream.
 * `data` is **base64** of the raw bytes: exact whatever the script printed (a chunk may end inside
 * a UTF-8 character), at a third more space.
 */
export interface LogChunkDoc {
  _id: string;
  stream: 'stdout' | 'stderr';
  data: string;
  /** Byte position of the chunk's first byte in the attempt's log (both streams, one sequence). */
  offset: number;
  /** Epoch ms when the worker read the first of these bytes. */
  time: number;
}

/** `step_logs._id = <attemptKey>:meta`; single writer: the worker running the attempt. */
export interface LogMetaDoc {
  _id: string;
  /** Chunks 0..chunks-1 exist (each is inserted before the meta that counts it). */
  chunks: number;
  /** Log bytes stored (= the offset just past the last chunk). */
  bytes: number;
  /** The attempt ended and every chunk is stored. */
  done: boolean;
  /** The runner's log cap dropped output (a marker line says where). */
  truncated: boolean;
  updated_at: Date;
}

/** Deletes by `_id` sent per round trip (one bulk `delete` command). */
export const DELETE_BATCH = 1_000;

/** Repository of `step_logs`; every read and write by `_id`, except the retention scan. */
export class LogsStore {
  private readonly chunks: Collection<LogChunkDoc>;
  private readonly metas: Collection<LogMetaDoc>;

  constructor(db: Db) {
    this.chunks = db.collection<LogChunkDoc>(LOGS_COLLECTION);
    this.metas = db.collection<LogMetaDoc>(LOGS_COLLECTION);
  }

  /** Inserts chunks in order; a duplicate (a retry of a write that had landed) counts as done. */
  async insertChunks(docs: LogChunkDoc[]): Promise<void> {
    for (const doc of docs) {
      try {
        await this.chunks.insertOne(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
  }

  async writeMeta(attemptKey: string, meta: Omit<LogMetaDoc, '_id' | 'updated_at'>): Promise<void> {
    await this.metas.replaceOne(
      { _id: logMetaId(attemptKey) },
      { ...meta, updated_at: new Date() },
      { upsert: true },
    );
  }

  getMeta(attemptKey: string): Promise<LogMetaDoc | null> {
    return this.metas.findOne({ _id: logMetaId(attemptKey) });
  }

  getChunk(attemptKey: string, n: number): Promise<LogChunkDoc | null> {
    return this.chunks.findOne({ _id: logChunkId(attemptKey, n) });
  }

  /**
   * Retention: metas of complete logs last written before `cutoff`, at most `limit`. Not by
   * `_id`, so FerretDB scans the collection (chunks included): acceptable for a sweep that runs
   * about hourly on one replica, never on a request path.
   */
  findExpiredMetas(cutoff: Date, limit: number): Promise<LogMetaDoc[]> {
    return this.metas
      .find({ done: true, updated_at: { $lt: cutoff } })
      .limit(limit)
      .toArray();
  }

  /**
   * Deletes one attempt's log: its chunks first, the meta last, so a sweep that dies halfway
   * leaves the meta behind and the next sweep finds it and finishes (orphan chunks without a
   * meta could never be found again without a scan). Returns the documents deleted.
   */
  async deleteLog(meta: Pick<LogMetaDoc, '_id' | 'chunks'>): Promise<number> {
    const attemptKey = meta._id.slice(0, -':meta'.length);
    const ids = Array.from({ length: meta.chunks }, (_, n) => logChunkId(attemptKey, n));
    let deleted = 0;
    for (let i = 0; i < ids.length; i += DELETE_BATCH)
      deleted += await deleteByIds(this.chunks, ids.slice(i, i + DELETE_BATCH));
    return deleted + (await deleteByIds(this.metas, [meta._id]));
  }
}

/**
 * Deletes documents by `_id` in one round trip: a bulk of single-`_id` deletes, each of which
 * FerretDB answers by key (a `$in` filter would scan the collection).
 */
export async function deleteByIds<T extends { _id: string }>(
  c: Collection<T>,
  ids: string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await c.bulkWrite(
    ids.map((id) => ({ deleteOne: { filter: { _id: id } as Filter<T> } })),
    { ordered: false },
  );
  return res.deletedCount;
}

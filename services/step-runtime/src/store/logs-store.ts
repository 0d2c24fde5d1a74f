import { isDuplicateKey } from '@baton/kit';
import type { Collection, Db } from 'mongodb';
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

/** Repository of `step_logs`; every read and write by `_id`. */
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
}

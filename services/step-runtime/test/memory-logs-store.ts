import { logChunkId, logMetaId } from '../src/domain/attempt-key.js';
import type { LogChunkDoc, LogMetaDoc, LogsStore } from '../src/store/logs-store.js';

/** LogsStore in memory, for unit tests of the writer and the reader. `failNext` fails writes. */
export class MemoryLogsStore
  implements Pick<LogsStore, 'insertChunks' | 'writeMeta' | 'getMeta' | 'getChunk'>
{
  readonly docs = new Map<string, LogChunkDoc | LogMetaDoc>();
  failNext = 0;

  private maybeFail(): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
  }

  async insertChunks(docs: LogChunkDoc[]): Promise<void> {
    for (const d of docs) {
      this.maybeFail();
      if (!this.docs.has(d._id)) this.docs.set(d._id, d);
    }
  }

  async writeMeta(attemptKey: string, meta: Omit<LogMetaDoc, '_id' | 'updated_at'>): Promise<void> {
    this.maybeFail();
    this.docs.set(logMetaId(attemptKey), { _id: logMetaId(attemptKey), ...meta, updated_at: new Date() });
  }

  async getMeta(attemptKey: string): Promise<LogMetaDoc | null> {
    return (this.docs.get(logMetaId(attemptKey)) as LogMetaDoc) ?? null;
  }

  async getChunk(attemptKey: string, n: number): Promise<LogChunkDoc | null> {
    return (this.docs.get(logChunkId(attemptKey, n)) as LogChunkDoc) ?? null;
  }
}

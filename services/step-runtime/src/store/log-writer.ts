import type { LogChunk } from '../runner/index.js';
import { logChunkId } from '../domain/attempt-key.js';
import type { LogChunkDoc, LogsStore } from './logs-store.js';

export interface LogWriterOptions {
  /** Flush at most this long after the first unflushed byte. Default 200 ms. */
  flushMs?: number;
  /** Flush at once when this many bytes wait. Default 64 KiB. */
  flushBytes?: number;
  /** Largest stored chunk (longer runs are split). Default 256 KiB. */
  maxChunkBytes?: number;
  /** Called when a flush fails (it is retried at the next one). */
  onError?: (err: unknown) => void;
}

/**
 * Buffers one attempt's log and writes it as gapless chunks plus the meta document. Flushes are
 * serialised (one in flight), and a failed flush keeps its numbered chunks and retries them first,
 * so chunk n never exists without n−1 and the meta never counts a chunk that is not stored.
 */
export class LogWriter {
  private readonly flushMs: number;
  private readonly flushBytes: number;
  private readonly maxChunkBytes: number;
  private buffered: LogChunk[] = [];
  private bufferedBytes = 0;
  private pending: LogChunkDoc[] = [];
  private next = 0;
  private bytes = 0;
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: LogsStore,
    private readonly attemptKey: string,
    private readonly opts: LogWriterOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 200;
    this.flushBytes = opts.flushBytes ?? 64 * 1024;
    this.maxChunkBytes = opts.maxChunkBytes ?? 256 * 1024;
  }

  /** Creates the meta (chunks 0, not done) so followers find the attempt before it prints. */
  open(): Promise<void> {
    return this.enqueue(false, false);
  }

  /** The runner's onLog: never throws. */
  append(chunk: LogChunk): void {
    if (this.closed) return;
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.data.length;
    if (this.bufferedBytes >= this.flushBytes) {
      this.clearTimer();
      void this.enqueue(false, false);
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.enqueue(false, false);
      }, this.flushMs);
    }
  }

  /** Final flush with `done: true`; retries until stored or `give up` (a deadline) passes. */
  async close(truncated: boolean, giveUpAt = Date.now() + 30_000): Promise<boolean> {
    this.closed = true;
    this.clearTimer();
    for (;;) {
      try {
        await this.enqueue(true, truncated, true);
        return true;
      } catch {
        if (Date.now() > giveUpAt) return false;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private enqueue(done: boolean, truncated: boolean, rethrow = false): Promise<void> {
    const run = this.chain.then(() => this.flush(done, truncated));
    this.chain = run.catch((err) => this.opts.onError?.(err));
    return rethrow ? run : this.chain;
  }

  private async flush(done: boolean, truncated: boolean): Promise<void> {
    this.takeBuffered();
    if (this.pending.length > 0) {
      await this.store.insertChunks(this.pending);
      this.pending = [];
    }
    await this.store.writeMeta(this.attemptKey, { chunks: this.next, bytes: this.bytes, done, truncated });
  }

  /** Numbers the buffered pieces: consecutive pieces of one stream merge, up to maxChunkBytes. */
  private takeBuffered(): void {
    const pieces = this.buffered;
    this.buffered = [];
    this.bufferedBytes = 0;
    let i = 0;
    while (i < pieces.length) {
      const first = pieces[i];
      const parts: Buffer[] = [];
      let size = 0;
      while (
        i < pieces.length &&
        pieces[i].stream === first.stream &&
        pieces[i].offset === first.offset + size &&
        size < this.maxChunkBytes
      ) {
        parts.push(pieces[i].data);
        size += pieces[i].data.length;
        i++;
      }
      const data = Buffer.concat(parts);
      for (let at = 0; at < data.length; at += this.maxChunkBytes) {
        const slice = data.subarray(at, at + this.maxChunkBytes);
        this.pending.push({
          _id: logChunkId(this.attemptKey, this.next++),
          stream: first.stream,
          data: slice.toString('base64'),
          offset: first.offset + at,
          time: first.time,
        });
        this.bytes = first.offset + at + slice.length;
      }
    }
  }
}

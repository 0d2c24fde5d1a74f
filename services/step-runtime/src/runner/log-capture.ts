import { Buffer } from 'node:buffer';
import type { LogChunk } from './attempt-types.js';

type Stream = LogChunk['stream'];

export interface LogSummary {
  /** Bytes user code wrote, both streams. */
  logBytes: number;
  /** Bytes dropped between the head and the tail. */
  logBytesDropped: number;
  truncated: boolean;
}

/**
 * Keeps an attempt's stdout and stderr within `maxBytes`: the first `maxBytes − tailBytes` bytes are
 * delivered as they arrive; after that, bytes go to a ring of `tailBytes` delivered by `finish()`,
 * preceded (if anything was dropped) by a marker line on stderr. Offsets count every delivered byte,
 * marker included, so the sink can append chunks and detect gaps or duplicates.
 */
export class LogCapture {
  private offset = 0;
  private produced = 0;
  private dropped = 0;
  private headLeft: number;
  private readonly tail: { stream: Stream; data: Buffer; time: number }[] = [];
  private tailSize = 0;
  private finished = false;

  constructor(
    maxBytes: number,
    private readonly tailBytes: number,
    private readonly deliver: (chunk: LogChunk) => void,
  ) {
    this.headLeft = maxBytes - tailBytes;
  }

  write(stream: Stream, data: Buffer, time = Date.now()): void {
    if (this.finished || data.length === 0) return;
    this.produced += data.length;
    if (this.headLeft > 0) {
      const head = data.subarray(0, this.headLeft);
      this.headLeft -= head.length;
      this.emit(stream, head, time);
      data = data.subarray(head.length);
      if (data.length === 0) return;
    }
    this.tail.push({ stream, data, time });
    this.tailSize += data.length;
    while (this.tailSize > this.tailBytes) {
      const first = this.tail[0];
      const excess = this.tailSize - this.tailBytes;
      if (first.data.length <= excess) {
        this.tail.shift();
        this.tailSize -= first.data.length;
        this.dropped += first.data.length;
      } else {
        first.data = first.data.subarray(excess);
        this.tailSize -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Delivers the marker and the tail; later writes are ignored. */
  finish(time = Date.now()): LogSummary {
    if (!this.finished) {
      this.finished = true;
      if (this.dropped > 0) {
        const marker = `\n[baton: log truncated: ${this.dropped} bytes omitted; the last ${this.tailSize} bytes follow]\n`;
        // Stamped like the first kept byte so chunk times never go back.
        this.emit('stderr', Buffer.from(marker), this.tail[0]?.time ?? time);
      }
      for (const part of this.tail.splice(0)) this.emit(part.stream, part.data, part.time);
      this.tailSize = 0;
    }
    return { logBytes: this.produced, logBytesDropped: this.dropped, truncated: this.dropped > 0 };
  }

  private emit(stream: Stream, data: Buffer, time: number): void {
    const chunk: LogChunk = { stream, data, offset: this.offset, time };
    this.offset += data.length;
    try {
      this.deliver(chunk);
    } catch {
      // The sink's failure must not change the attempt; the caller owns its own error reporting.
    }
  }
}

import type { SignalInstance } from '../domain/signal-instance';
import { decodeParams } from '../domain/signal-values';
import type { SignalDoc } from '../store/documents';
import type { SignalStore } from '../store/signal-store';

export function instanceOf(d: SignalDoc): SignalInstance {
  return { name: d.name, seq: d.seq, params: decodeParams(d.params), createdAt: d.created_at };
}

/** Reads ranges of a name's sequence for the deciders (by _id, in parallel). */
export class SignalReader {
  constructor(private readonly store: SignalStore) {}

  latest(name: string): Promise<number> {
    return this.store.latest(name);
  }

  /** Instances from..to (inclusive), ascending. */
  async range(name: string, from: number, to: number): Promise<SignalInstance[]> {
    if (to < from) return [];
    const seqs = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    return (await this.store.getMany(name, seqs)).map(instanceOf);
  }

  /** Instances after `cursor`, at most `cap` of them; `latest` is the highest seq read (or the cursor). */
  async after(
    name: string,
    cursor: number,
    cap: number,
  ): Promise<{ signals: SignalInstance[]; latest: number; capped: boolean }> {
    const latest = await this.store.latest(name);
    if (latest <= cursor) return { signals: [], latest: cursor, capped: false };
    const to = Math.min(latest, cursor + cap);
    return { signals: await this.range(name, cursor + 1, to), latest: to, capped: to < latest };
  }

  /**
   * The seq before the first instance created at or after `time` (so that, as a cursor, only
   * instances from then on are new). Walks back from the latest, at most `maxBack` instances.
   */
  async cursorAt(name: string, time: number, maxBack = 10_000): Promise<number> {
    let seq = await this.store.latest(name);
    const floor = Math.max(0, seq - maxBack);
    while (seq > floor) {
      const from = Math.max(floor + 1, seq - 63);
      const docs = await this.range(name, from, seq);
      const older = docs.filter((d) => d.createdAt < time);
      if (older.length > 0) return Math.max(...older.map((d) => d.seq));
      seq = from - 1;
    }
    return seq;
  }
}

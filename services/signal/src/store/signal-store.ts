import { isDuplicateKey, latestOf } from '@baton/kit';
import type { Collection, Db } from 'mongodb';
import { signalId } from '../domain/signal-instance';
import { COLLECTIONS, type RequestDoc, type SignalDoc } from './documents';

/** Documents per ordered insert: FerretDB's insert batch (see insertOrdered). */
const ORDERED_CHUNK = 100;

/** Parallel _id lookups in flight at once when a range of seqs is read. */
const READ_PARALLEL = 32;

/** Signal instances and request ids. */
export class SignalStore {
  readonly signals: Collection<SignalDoc>;
  readonly requests: Collection<RequestDoc>;
  /** Last seq seen per name (a lower bound: where lookups of the latest start). */
  private readonly hints = new Map<string, number>();
  /** Request documents waiting for the background insert (request key → seq). */
  private readonly pendingRequests = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(db: Db) {
    this.signals = db.collection<SignalDoc>(COLLECTIONS.signals);
    this.requests = db.collection<RequestDoc>(COLLECTIONS.requests);
  }

  async ensureIndexes(): Promise<void> {
    // The fence against publishing one request twice, even if a crash lost its request document.
    await this.signals.createIndex({ request_key: 1 }, { unique: true, name: 'request_key' });
  }

  async exists(name: string, seq: number): Promise<boolean> {
    return (await this.signals.findOne({ _id: signalId(name, seq) }, { projection: { _id: 1 } })) !== null;
  }

  /** The latest seq of a name (0 when none): O(log) lookups by _id from the last one seen. */
  async latest(name: string): Promise<number> {
    const n = await latestOf((k) => this.exists(name, k), this.hints.get(name) ?? 0);
    this.hint(name, n);
    return n;
  }

  /** The last seq this replica saw of a name, if any (it may be behind other replicas). */
  knownLatest(name: string): number | undefined {
    return this.hints.get(name);
  }

  hint(name: string, seq: number): void {
    if (seq > (this.hints.get(name) ?? 0)) this.hints.set(name, seq);
    if (this.hints.size > 100_000) this.hints.clear();
  }

  get(name: string, seq: number): Promise<SignalDoc | null> {
    return this.signals.findOne({ _id: signalId(name, seq) });
  }

  /** The instances with these seqs (missing ones left out), in the order given. */
  async getMany(name: string, seqs: readonly number[]): Promise<SignalDoc[]> {
    const out: (SignalDoc | null)[] = new Array(seqs.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < seqs.length) {
        const i = next++;
        out[i] = await this.get(name, seqs[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_PARALLEL, seqs.length) }, worker));
    return out.filter((d): d is SignalDoc => d !== null);
  }

  /**
   * Inserts documents numbered latest+1, latest+2... in order. Returns how many went in; the
   * first one that did not is a duplicate (its seq taken by another replica, or its request id
   * published already — the caller tells which). Ordered, so no seq is ever skipped: an insert
   * stops at the first failure and everything after it is renumbered. Sent ORDERED_CHUNK at a
   * time: FerretDB 1.24 inserts an ordered batch in chunks of 100 and goes on with the next chunk
   * after a duplicate in an earlier one, which stored seqs past a failed one and left holes.
   */
  async insertOrdered(docs: SignalDoc[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < docs.length; i += ORDERED_CHUNK) {
      const chunk = docs.slice(i, i + ORDERED_CHUNK);
      const k = await this.insertChunk(chunk);
      inserted += k;
      if (k < chunk.length) break;
    }
    return inserted;
  }

  private async insertChunk(docs: SignalDoc[]): Promise<number> {
    try {
      await this.signals.insertMany(docs, { ordered: true });
      return docs.length;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const inserted = (err as { result?: { insertedCount?: number } }).result?.insertedCount;
      const writeErrors = (err as { writeErrors?: { index: number }[] | { index: number } }).writeErrors;
      const first = Array.isArray(writeErrors) ? writeErrors[0]?.index : writeErrors?.index;
      return first ?? inserted ?? 0;
    }
  }

  /**
   * Records request ids → seqs, written in the background in batches (one insert per ~20 ms
   * rather than one per publish: FerretDB has one writer). They only speed up a later repeat: the
   * unique request_key is the fence, and a repeat whose document is not written yet is answered
   * from memory, or by the slow path.
   */
  recordRequests(docs: RequestDoc[]): void {
    for (const d of docs) this.pendingRequests.set(d._id, d.seq);
    this.flushSoon();
  }

  private flushSoon(): void {
    if (this.flushTimer || this.pendingRequests.size === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const docs = [...this.pendingRequests].slice(0, 1000).map(([_id, seq]) => ({ _id, seq }));
      this.requests
        .insertMany(docs, { ordered: false })
        .catch((err) => {
          if (!isDuplicateKey(err)) throw err;
        })
        .then(() => {
          for (const d of docs) this.pendingRequests.delete(d._id);
        })
        .catch(() => {})
        .finally(() => this.flushSoon());
    }, 20);
    this.flushTimer.unref();
  }

  /**
   * The seqs these request ids were given (those never published are left out): one read of the
   * request documents, then one of the instances for the ids whose document a crash lost before
   * its background write. The ids found that way are recorded again, so their next repeat is cheap.
   */
  async seqsOfRequests(requestKeys: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let missing: string[] = [];
    for (const k of new Set(requestKeys)) {
      const pending = this.pendingRequests.get(k);
      if (pending !== undefined) out.set(k, pending);
      else missing.push(k);
    }
    if (missing.length === 0) return out;
    for (const d of await this.requests.find({ _id: { $in: missing } }).toArray()) out.set(d._id, d.seq);
    missing = missing.filter((k) => !out.has(k));
    if (missing.length === 0) return out;
    const found = await this.signals
      .find({ request_key: { $in: missing } }, { projection: { seq: 1, request_key: 1 } })
      .toArray();
    for (const d of found) out.set(d.request_key, d.seq);
    this.recordRequests(found.map((d) => ({ _id: d.request_key, seq: d.seq })));
    return out;
  }
}

import { randomUUID } from 'node:crypto';
import type { SignalDoc } from '../store/documents';
import type { SignalStore } from '../store/signal-store';
import { signalId } from '../domain/signal-instance';
import { type SignalParams, encodeParams } from '../domain/signal-values';
import { signalMetrics } from './signal-metrics';

export interface PublishInput {
  name: string;
  params: SignalParams;
  /** JSON text, '' for none. */
  payload: string;
  /** '' = none: always a new instance. */
  requestId: string;
  /** `<workflow>|<instance>|<run>|<step>|<attempt key>` for a step's output. */
  producer?: string;
}

export interface Published {
  name: string;
  seq: number;
  created: boolean;
}

interface Waiting {
  input: PublishInput;
  requestKey: string;
  resolve: (p: Published) => void;
  reject: (e: unknown) => void;
}

/** Publishes of one name taken into one batch insert. */
const MAX_BATCH = 500;

/**
 * Publishes signals. Each name has its own gapless sequence: instance n+1 is inserted as
 * `_id = <name>#<n+1>`, so two replicas racing for a number are fenced by the unique _id, and an
 * ordered batch insert never leaves a hole. A repeated request id is fenced by a unique index
 * (request_key) on the same insert: the repeat gets the first publish's seq and changes nothing.
 *
 * Concurrent publishes of one name in this replica share a batch: one insert for all of them,
 * which is what lets many clients publish thousands of signals a second.
 */
export class Publisher {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly store: SignalStore,
    /** Called after instances of `name` are stored: wakes the triggers and waits on it. */
    private readonly published: (name: string, seqs: number[]) => Promise<void>,
  ) {}

  publish(input: PublishInput): Promise<Published> {
    const requestKey = `${input.name}|${input.requestId || `~${randomUUID()}`}`;
    return new Promise<Published>((resolve, reject) => {
      let q = this.queues.get(input.name);
      const first = q === undefined;
      if (!q) {
        q = [];
        this.queues.set(input.name, q);
      }
      q.push({ input, requestKey, resolve, reject });
      if (first) void this.drain(input.name);
    });
  }

  private async drain(name: string): Promise<void> {
    // Let the publishes of this tick join the batch.
    await new Promise((r) => setImmediate(r));
    for (;;) {
      const q = this.queues.get(name)!;
      if (q.length === 0) {
        this.queues.delete(name);
        return;
      }
      const batch = q.splice(0, MAX_BATCH);
      try {
        await this.insertBatch(name, batch);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }

  private async insertBatch(name: string, batch: Waiting[]): Promise<void> {
    // One request id twice in a batch: the first publishes, the others repeat it.
    const byKey = new Map<string, Waiting[]>();
    for (const w of batch) byKey.set(w.requestKey, [...(byKey.get(w.requestKey) ?? []), w]);
    let items = [...byKey.values()];
    const settle = (group: Waiting[], seq: number, created: boolean) => {
      for (const [i, w] of group.entries()) w.resolve({ name, seq, created: created && i === 0 });
    };
    const created: { requestId: string; seq: number }[] = [];
    const seqs: number[] = [];
    // Optimistic: start after the last number this replica saw; a taken number sends us to look.
    let latest = this.store.knownLatest(name) ?? (await this.store.latest(name));
    const now = Date.now();
    for (let rounds = 0; items.length > 0; rounds++) {
      if (rounds > 1000) throw new Error(`publishing ${name}: too much contention; retry`);
      const docs: SignalDoc[] = items.map((group, i) => this.doc(group[0]!, latest + 1 + i, now));
      const k = await this.store.insertOrdered(docs);
      if (k > 0) signalMetrics().published.add(k);
      for (let i = 0; i < k; i++) {
        settle(items[i]!, latest + 1 + i, true);
        seqs.push(latest + 1 + i);
        if (items[i]![0]!.input.requestId)
          created.push({ requestId: items[i]![0]!.requestKey, seq: latest + 1 + i });
      }
      latest += k;
      this.store.hint(name, latest);
      items = items.slice(k);
      if (items.length === 0) break;
      if (await this.store.exists(name, latest + 1)) {
        // Another replica took the number: start again after its instances.
        latest = await this.store.latest(name);
        continue;
      }
      // The number is free, so the request id was the duplicate: a repeat of an earlier publish.
      // Clients that retry send their repeats together, so answer every repeat left in the batch
      // with one lookup rather than one (or a scan) per repeat: a retry storm after a crash must
      // not cost the service more per call than the first burst did.
      const keys = items.filter((g) => g[0]!.input.requestId).map((g) => g[0]!.requestKey);
      const known = await this.store.seqsOfRequests(keys);
      if (!known.has(items[0]![0]!.requestKey))
        throw new Error(`publishing ${name}: request ${items[0]![0]!.input.requestId} vanished`);
      items = items.filter((group) => {
        const seq = known.get(group[0]!.requestKey);
        if (seq === undefined) return true;
        settle(group, seq, false);
        return false;
      });
    }
    // Off the publish's path (its callers have their answers): the request documents only speed up
    // a later repeat (the unique request_key already fences it), and wake-ups have the sweeper behind them.
    this.store.recordRequests(created.map((c) => ({ _id: c.requestId, seq: c.seq })));
    if (seqs.length > 0) void this.published(name, seqs).catch(() => {});
  }

  private doc(w: Waiting, seq: number, now: number): SignalDoc {
    const d: SignalDoc = {
      _id: signalId(w.input.name, seq),
      name: w.input.name,
      seq,
      params: encodeParams(w.input.params),
      payload: w.input.payload,
      request_id: w.input.requestId,
      request_key: w.requestKey,
      created_at: now,
    };
    if (w.input.producer) d.producer = w.input.producer;
    return d;
  }
}

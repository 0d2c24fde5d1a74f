import { insertAllowingDuplicates } from '@baton/kit';
import type { Collection } from 'mongodb';
import { isInstanceTerminal } from '../domain';
import type { LiveRunDoc, RunHead } from './documents';
import { type IdDoc, deleteIds, inChunks, insertIfAbsent, pack, unpack } from './mongo-ops';

/** A run head as stored: `kind` in the open (instance documents share the collection). */
type StoredHead = { _id: string; kind: 'run'; body?: string };

function encodeHead(h: RunHead): StoredHead {
  const { _id, kind, ...rest } = h;
  return { _id, kind, body: pack(rest) };
}

function decodeHead(raw: StoredHead): RunHead {
  if (raw.body === undefined) return raw as unknown as RunHead;
  return { _id: raw._id, kind: raw.kind, ...unpack(raw.body) } as RunHead;
}

/**
 * Run heads (`instances`, kind "run") and the short list of runs that have not ended
 * (`live_runs`), which the sweeper reads instead of scanning every head.
 */
export class RunHeads {
  constructor(
    readonly collection: Collection<IdDoc>,
    readonly live: Collection<LiveRunDoc>,
  ) {}

  async getHead(key: string): Promise<RunHead | null> {
    const raw = await this.collection.findOne({ _id: key });
    return raw && decodeHead(raw as StoredHead);
  }

  /** Inserts a run's head; false when it exists (a duplicate create). */
  insertHead(head: RunHead): Promise<boolean> {
    return insertIfAbsent(this.collection, encodeHead(head));
  }

  /** Inserts heads in one batch; an existing head is left as it is (it may have moved on). */
  async insertHeads(heads: RunHead[]): Promise<void> {
    await insertAllowingDuplicates(this.collection, heads.map(encodeHead));
  }

  /** Many heads by key (missing ones omitted). */
  async getHeads(keys: string[]): Promise<RunHead[]> {
    const heads = await inChunks(keys, 64, (k) => this.getHead(k));
    return heads.filter((h): h is RunHead => h !== null);
  }

  async writeHead(head: RunHead): Promise<void> {
    await this.collection.replaceOne({ _id: head._id }, encodeHead(head), { upsert: true });
  }

  /** Live-list entries, each with its run's creation time. */
  async insertLive(entries: readonly { key: string; at: number }[]): Promise<void> {
    await insertAllowingDuplicates(
      this.live,
      entries.map((e) => ({ _id: e.key, created_at: e.at })),
    );
  }

  /** Whether the run has a live entry: made before its first decision's actions are performed. */
  async isLive(key: string): Promise<boolean> {
    return (await this.live.findOne({ _id: key }, { projection: { _id: 1 } })) !== null;
  }

  async deleteLive(key: string): Promise<void> {
    await this.live.deleteOne({ _id: key });
  }

  /**
   * Sweep: heads of runs that have not ended, read by key from live_runs (never a scan of all
   * heads). Entries whose run ended are dropped; an entry without a head yet is kept (its head
   * is being inserted).
   */
  async liveHeads(limit: number): Promise<RunHead[]> {
    const keys = (await this.live.find({}).limit(limit).toArray()).map((d) => d._id);
    const heads = await this.getHeads(keys);
    const live: RunHead[] = [];
    for (const h of heads) {
      if (!isInstanceTerminal(h.status)) live.push(h);
      else await this.deleteLive(h._id);
    }
    return live;
  }

  /** Retention: deletes live entries by key; how many went. */
  deleteLiveEntries(keys: string[]): Promise<number> {
    return deleteIds(this.live, keys);
  }

  /** Retention (its last step for a run): deletes heads by key; how many went. */
  deleteHeads(keys: string[]): Promise<number> {
    return deleteIds(this.collection, keys);
  }
}

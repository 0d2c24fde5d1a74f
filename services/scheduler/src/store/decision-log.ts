import { latestOf, insertAllowingDuplicates } from '@baton/kit';
import type { Collection } from 'mongodb';
import { type DecisionDoc, type RunHead, decisionId } from './documents';
import { deleteIds, existsById, inChunks, insertIfAbsent, pack, unpack } from './mongo-ops';

/** A decision as stored: what the sweeps and fences read in the open, the rest in `body`. */
export type StoredDecision = Pick<DecisionDoc, '_id' | 'key' | 'seq' | 'created_at'> & {
  body?: string;
} & Partial<DecisionDoc>;

function encodeDecision(d: DecisionDoc): StoredDecision {
  const { _id, key, seq, created_at, ...rest } = d;
  return { _id, key, seq, created_at, body: pack(rest) };
}

function decodeDecision(raw: StoredDecision): DecisionDoc {
  if (raw.body === undefined) return raw as DecisionDoc;
  const { body, ...open } = raw;
  return { ...open, ...unpack(body) } as DecisionDoc;
}

/** `decisions`: each run's gapless log of decisions, the redo log; the insert of seq n is the fence. */
export class DecisionLog {
  constructor(readonly collection: Collection<StoredDecision>) {}

  /** The newest decision of a run (the decision log is gapless from 0). */
  async latestDecision(key: string, hint: number): Promise<DecisionDoc | null> {
    // Usually the head's own decision is the newest: read it whole and check there is no next one
    // (two reads); only when there is, look further (a decision not applied to the head yet).
    if (hint >= 0) {
      const [atHint, next] = await Promise.all([
        this.getDecision(key, hint),
        this.hasDecision(key, hint + 1),
      ]);
      if (atHint && !next) return atHint;
    }
    const seq = await latestOf((s) => this.hasDecision(key, s), hint, 0);
    return seq < 0 ? null : this.getDecision(key, seq);
  }

  /** Inserts decisions in one batch; returns the ids that existed already (fences lost). */
  async insertDecisions(docs: DecisionDoc[]): Promise<Set<string>> {
    const dups = await insertAllowingDuplicates(this.collection, docs.map(encodeDecision));
    return new Set([...dups].map((i) => docs[i]!._id));
  }

  hasDecision(key: string, seq: number): Promise<boolean> {
    return existsById(this.collection, decisionId(key, seq));
  }

  async getDecision(key: string, seq: number): Promise<DecisionDoc | null> {
    const raw = await this.collection.findOne({ _id: decisionId(key, seq) });
    return raw && decodeDecision(raw);
  }

  /** The fence: false when another replica inserted this decision first. */
  insertDecision(doc: DecisionDoc): Promise<boolean> {
    return insertIfAbsent(this.collection, encodeDecision(doc));
  }

  /** The runs among `heads` whose next decision is inserted but not applied (redo them). */
  async unapplied(heads: RunHead[]): Promise<string[]> {
    const found = await inChunks(heads, 64, (h) => this.hasDecision(h._id, h.seq + 1));
    return heads.filter((_h, i) => found[i]).map((h) => h._id);
  }

  /** Retention: deletes decisions by id. */
  deleteDecisions(ids: string[]): Promise<number> {
    return deleteIds(this.collection, ids);
  }
}

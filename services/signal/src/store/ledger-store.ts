import { isDuplicateKey, latestOf } from '@baton/kit';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, type LedgerDoc } from './documents';

export const ledgerId = (key: string, n: number) => `${key}#${n}`;

/** The decision logs of triggers, waits and backfills (see LedgerDoc). */
export class LedgerStore {
  readonly ledger: Collection<LedgerDoc>;
  private readonly hints = new Map<string, number>();

  constructor(db: Db) {
    this.ledger = db.collection<LedgerDoc>(COLLECTIONS.ledger);
  }

  private async exists(key: string, n: number): Promise<boolean> {
    return (await this.ledger.findOne({ _id: ledgerId(key, n) }, { projection: { _id: 1 } })) !== null;
  }

  /** The newest decision of a key, or null when it has none yet. */
  async latest(key: string): Promise<LedgerDoc | null> {
    const n = await latestOf((k) => this.exists(key, k), this.hints.get(key) ?? 0);
    if (n === 0) return null;
    this.hints.set(key, n);
    if (this.hints.size > 200_000) this.hints.clear();
    return this.ledger.findOne({ _id: ledgerId(key, n) });
  }

  get(key: string, n: number): Promise<LedgerDoc | null> {
    return this.ledger.findOne({ _id: ledgerId(key, n) });
  }

  /** The fence: false when decision n of this key exists already (another replica decided). */
  async insert(doc: LedgerDoc): Promise<boolean> {
    try {
      await this.ledger.insertOne(doc);
      this.hints.set(doc.key, doc.n);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Marks a decision's effects done (idempotent; a lost mark only makes the next loader redo them). */
  async markApplied(key: string, n: number): Promise<void> {
    await this.ledger.updateOne({ _id: ledgerId(key, n) }, { $set: { applied: true } });
  }
}

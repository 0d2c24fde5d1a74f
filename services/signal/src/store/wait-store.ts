import { isDuplicateKey } from '@baton/kit';
import type { Collection, Db } from 'mongodb';
import { type WaitSpec, waitSpecFromJson, waitSpecToJson } from '../domain/signal-wait';
import { COLLECTIONS, type WaitDoc } from './documents';

/**
 * Registrations of steps waiting on signals. Only live waits are kept (a wait's document is
 * deleted when it is matched or cancelled), so listing them all — what the sweeper does — stays
 * small even where FerretDB scans.
 */
export class WaitStore {
  private readonly waits: Collection<WaitDoc>;

  constructor(db: Db) {
    this.waits = db.collection<WaitDoc>(COLLECTIONS.waits);
  }

  /** True when new; a repeat (same wait key) changes nothing. */
  async register(spec: WaitSpec, now: number): Promise<boolean> {
    try {
      await this.waits.insertOne({
        _id: spec.waitKey,
        spec: waitSpecToJson(spec),
        names: [...new Set(spec.deps.map((d) => d.name))],
        created_at: now,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async get(waitKey: string): Promise<WaitSpec | undefined> {
    const doc = await this.waits.findOne({ _id: waitKey });
    return doc ? waitSpecFromJson(doc.spec) : undefined;
  }

  async remove(waitKey: string): Promise<boolean> {
    return (await this.waits.deleteOne({ _id: waitKey })).deletedCount > 0;
  }

  /** Every live wait: key and the names it waits on. */
  async all(): Promise<{ waitKey: string; names: string[] }[]> {
    const docs = await this.waits.find({}, { projection: { names: 1 } }).toArray();
    return docs.map((d) => ({ waitKey: d._id, names: d.names }));
  }
}

import type { Collection } from 'mongodb';

/** tag_permits: `_id` = the user tag; the truth of tag permits (Redis keeps a copy for the gate). */
export interface TagPermitDoc {
  _id: string;
  max_allowed: number;
  updated_at: number;
}

/** At most this many tag permits exist (each is read by every restore, and listed whole). */
export const MAX_TAG_PERMITS = 1000;

export class TagPermitStore {
  constructor(private readonly collection: Collection<TagPermitDoc>) {}

  /** Sets a tag's permit (last writer wins: a permit is a setting, not a counter). */
  async set(tag: string, maxAllowed: number, now: number): Promise<TagPermitDoc> {
    const doc: TagPermitDoc = { _id: tag, max_allowed: maxAllowed, updated_at: now };
    await this.collection.replaceOne({ _id: tag }, doc, { upsert: true });
    return doc;
  }

  async delete(tag: string): Promise<boolean> {
    return (await this.collection.deleteOne({ _id: tag })).deletedCount > 0;
  }

  get(tag: string): Promise<TagPermitDoc | null> {
    return this.collection.findOne({ _id: tag });
  }

  count(): Promise<number> {
    return this.collection.countDocuments({});
  }

  /** Every permit (at most MAX_TAG_PERMITS), by tag. */
  all(): Promise<TagPermitDoc[]> {
    return this.collection.find({}).sort({ _id: 1 }).limit(MAX_TAG_PERMITS).toArray();
  }
}

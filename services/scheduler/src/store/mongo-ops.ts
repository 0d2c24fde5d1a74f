import { isDuplicateKey } from '@baton/kit';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Collection, Filter } from 'mongodb';

/** Helpers the scheduler's stores share: batched writes, reads by `_id`, packed bodies. */

export type IdDoc = { _id: string };

/** Inserts one document; false when its `_id` exists (the unique insert is every fence we have). */
export async function insertIfAbsent<T extends IdDoc>(c: Collection<T>, doc: T): Promise<boolean> {
  try {
    await c.insertOne(doc as unknown as Parameters<Collection<T>['insertOne']>[0]);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

export async function existsById<T extends IdDoc>(c: Collection<T>, id: string): Promise<boolean> {
  return (await c.findOne({ _id: id } as Filter<T>, { projection: { _id: 1 } })) !== null;
}

/** Up to `width` lookups at once: enough to keep FerretDB busy without a burst of thousands. */
export async function inChunks<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

/** Deletes sent per round trip. */
const DELETE_BATCH = 1_000;

/**
 * Deletes by `_id`, 1,000 per round trip: a bulk of single-`_id` deletes, each answered by key on
 * FerretDB (a `$in` filter would scan the collection). Returns how many were deleted.
 */
export async function deleteIds<T extends IdDoc>(c: Collection<T>, ids: string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    const res = await (c as unknown as Collection<IdDoc>).bulkWrite(
      ids.slice(i, i + DELETE_BATCH).map((id) => ({ deleteOne: { filter: { _id: id } } })),
      { ordered: false },
    );
    deleted += res.deletedCount;
  }
  return deleted;
}

/**
 * Decisions and run heads are stored with their bulky parts (snapshot, actions, timeline...)
 * deflated into one base64 string, `body`. FerretDB's insert cost grows with a document's bytes
 * and nesting: a child's documents store ~3x faster this way, and a foreach writes them once per
 * iteration. Documents written before this encoding (all fields in the open) are read as they are.
 */
export function pack(fields: object): string {
  return deflateRawSync(JSON.stringify(fields), { level: 1 }).toString('base64');
}

export function unpack(body: string): object {
  return JSON.parse(inflateRawSync(Buffer.from(body, 'base64')).toString('utf8'));
}

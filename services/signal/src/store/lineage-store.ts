import { isDuplicateKey, latestOf } from '@baton/kit';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, type LineageDoc } from './documents';

/** One edge between a signal instance and a run (see LineageDoc). */
export interface LineageLink {
  signal: { name: string; seq: number; params: Record<string, string> };
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId?: string;
  relation: 'STARTED' | 'SATISFIED' | 'PRODUCED';
  time: number;
}

export const signalSubject = (name: string, seq: number) => `sig:${name}#${seq}`;
export const runSubject = (workflowId: string, instanceId: number) => `run:${workflowId}:${instanceId}`;

/** Most links one subject lists (a signal consumed by thousands of runs lists the first 10,000). */
const MAX_LINKS = 10_000;

/** Lineage as append-only lists per subject, read and written by _id only. */
export class LineageStore {
  private readonly lists: Collection<LineageDoc>;
  private readonly marks: Collection<{ _id: string }>;

  constructor(db: Db) {
    this.lists = db.collection<LineageDoc>(COLLECTIONS.lineage);
    this.marks = db.collection<{ _id: string }>(COLLECTIONS.marks);
  }

  /** Adds `link` (identified by `linkId`) to each subject's list, once per subject. Idempotent. */
  async append(subjects: string[], linkId: string, link: LineageLink): Promise<void> {
    await Promise.all(subjects.map((s) => this.appendOne(s, linkId, link)));
  }

  private async appendOne(subject: string, linkId: string, link: LineageLink): Promise<void> {
    const mark = `${subject}|${linkId}`;
    if (await this.marks.findOne({ _id: mark })) return;
    const text = JSON.stringify(link);
    for (let tries = 0; tries < 100; tries++) {
      const k = (await this.length(subject)) + 1;
      if (k > MAX_LINKS) break;
      try {
        await this.lists.insertOne({
          _id: `${subject}#${k}`,
          link_id: linkId,
          link: text,
          created_at: Date.now(),
        });
        break;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    await this.marks.insertOne({ _id: mark }).catch((err) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }

  private length(subject: string): Promise<number> {
    return latestOf(
      async (k) =>
        (await this.lists.findOne({ _id: `${subject}#${k}` }, { projection: { _id: 1 } })) !== null,
      0,
    );
  }

  /** The subject's links, oldest first, each once. */
  async read(subject: string): Promise<LineageLink[]> {
    const n = await this.length(subject);
    const docs = await Promise.all(
      Array.from({ length: n }, (_, i) => this.lists.findOne({ _id: `${subject}#${i + 1}` })),
    );
    const seen = new Set<string>();
    const out: LineageLink[] = [];
    for (const d of docs) {
      if (!d || seen.has(d.link_id)) continue;
      seen.add(d.link_id);
      out.push(JSON.parse(d.link) as LineageLink);
    }
    return out;
  }
}

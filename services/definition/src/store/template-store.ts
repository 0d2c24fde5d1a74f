import { isDuplicateKey, latestOf } from '@baton/kit';
import type { Collection, Db } from 'mongodb';

export const TEMPLATES_COLLECTION = 'job_templates';

/** `job_templates._id = <sub_type>#<version>`: one version of a job template (never changed). */
export interface TemplateDoc {
  _id: string;
  sub_type: string;
  version: number;
  type: string;
  description: string;
  /** The pushed JSON, canonical. */
  template_json: string;
  created_at: Date;
  created_by: string;
}

const idOf = (subType: string, version: number) => `${subType}#${version}`;
const MAX_RACE_RETRIES = 200;

/** Job templates: versions 1, 2, 3… per sub_type, each fenced by its unique _id. */
export class TemplateStore {
  readonly templates: Collection<TemplateDoc>;

  constructor(db: Db) {
    this.templates = db.collection<TemplateDoc>(TEMPLATES_COLLECTION);
  }

  async latestVersion(subType: string): Promise<number> {
    return latestOf(async (n) => (await this.get(subType, n)) !== null, 0);
  }

  get(subType: string, version: number): Promise<TemplateDoc | null> {
    return this.templates.findOne({ _id: idOf(subType, version) });
  }

  /** The latest (version 0) or the given version. */
  async find(subType: string, version: number): Promise<TemplateDoc | null> {
    const v = version > 0 ? version : await this.latestVersion(subType);
    return v > 0 ? this.get(subType, v) : null;
  }

  /** Inserts the next version unless the latest holds the same JSON; concurrent pushes race on the _id. */
  async push(doc: Omit<TemplateDoc, '_id' | 'version'>): Promise<{ doc: TemplateDoc; created: boolean }> {
    for (let i = 0; i < MAX_RACE_RETRIES; i++) {
      const latest = await this.latestVersion(doc.sub_type);
      const current = latest > 0 ? await this.get(doc.sub_type, latest) : null;
      if (current && current.template_json === doc.template_json) return { doc: current, created: false };
      const next: TemplateDoc = { ...doc, _id: idOf(doc.sub_type, latest + 1), version: latest + 1 };
      try {
        await this.templates.insertOne(next);
        return { doc: next, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`too many concurrent pushes of job template ${doc.sub_type}; retry`);
  }

  /** Latest version of each sub_type under a prefix, by sub_type, after `after`. */
  async list(prefix: string, after: string, limit: number): Promise<TemplateDoc[]> {
    const docs = await this.templates
      .find({ sub_type: { $gte: prefix, $gt: after } }, { projection: { template_json: 0 } })
      .toArray();
    const latest = new Map<string, TemplateDoc>();
    for (const d of docs) {
      if (!d.sub_type.startsWith(prefix)) continue;
      const cur = latest.get(d.sub_type);
      if (!cur || d.version > cur.version) latest.set(d.sub_type, d);
    }
    const subs = [...latest.keys()].sort().slice(0, limit);
    return Promise.all(subs.map(async (s) => (await this.get(s, latest.get(s)!.version))!));
  }
}

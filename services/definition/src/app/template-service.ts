import { BatonError, type FieldViolation } from '@baton/kit';
import {
  type JobTemplate,
  SUB_TYPE,
  applyTemplates,
  canonicalJson,
  parseJobTemplate,
  templateKey,
  templateRefs,
} from '@baton/model';
import type { TemplateDoc, TemplateStore } from '../store/template-store';

const MAX_TEMPLATE_BYTES = 256 * 1024;
const MAX_PAGE = 500;

/** Job templates: push, get, list, and their application to a pushed workflow. */
export class TemplateService {
  constructor(private readonly store: TemplateStore) {}

  async push(templateJson: string, user: string): Promise<{ doc: TemplateDoc; created: boolean }> {
    if (templateJson.trim() === '')
      throw BatonError.invalid('template_json is required', [
        { field: 'template_json', description: 'is required' },
      ]);
    if (Buffer.byteLength(templateJson) > MAX_TEMPLATE_BYTES)
      throw BatonError.invalid('template too large', [
        { field: 'template_json', description: `is over ${MAX_TEMPLATE_BYTES} bytes` },
      ]);
    const parsed = parseJobTemplate(templateJson);
    if (!parsed.ok) {
      throw BatonError.invalid(
        `the job template has ${parsed.violations.length} problem(s)`,
        parsed.violations.map((v) => ({
          field: v.field === '$' ? 'template_json' : `template_json.${v.field}`,
          description: v.description,
        })),
      );
    }
    const t = parsed.template;
    return this.store.push({
      sub_type: t.subType,
      type: t.type,
      description: t.description ?? '',
      template_json: canonicalJson(parsed.source),
      created_at: new Date(),
      created_by: user,
    });
  }

  async get(subType: string, version: number): Promise<TemplateDoc> {
    const v: FieldViolation[] = [];
    if (!SUB_TYPE.test(subType)) v.push({ field: 'sub_type', description: `must match ${SUB_TYPE.source}` });
    if (!Number.isSafeInteger(version) || version < 0)
      v.push({ field: 'version', description: 'must be ≥ 0 (0 = latest)' });
    if (v.length > 0) throw BatonError.invalid('invalid GetJobTemplate request', v);
    const doc = await this.store.find(subType, version);
    if (!doc)
      throw BatonError.notFound(
        `no job template ${subType}${version ? ` version ${version}` : ''}`,
        'TEMPLATE_NOT_FOUND',
      );
    return doc;
  }

  async list(
    prefix: string,
    pageSize: number,
    pageToken: string,
  ): Promise<{ items: TemplateDoc[]; nextPageToken: string }> {
    const v: FieldViolation[] = [];
    if (prefix !== '' && !/^[A-Za-z0-9_.-]{1,128}$/.test(prefix))
      v.push({ field: 'prefix', description: `must match ${SUB_TYPE.source}` });
    if (!Number.isSafeInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE)
      v.push({ field: 'page_size', description: `must be 0..${MAX_PAGE} (0 = 100)` });
    if (pageToken !== '' && !SUB_TYPE.test(pageToken))
      v.push({ field: 'page_token', description: 'is not a token this service gave' });
    if (v.length > 0) throw BatonError.invalid('invalid ListJobTemplates request', v);
    const size = pageSize || 100;
    const items = await this.store.list(prefix, pageToken, size + 1);
    const page = items.slice(0, size);
    return { items: page, nextPageToken: items.length > size ? page.at(-1)!.sub_type : '' };
  }

  /**
   * The definition with its steps' job templates applied (see applyTemplates), or the text as given
   * when it names none (or is not JSON: the parser then reports that).
   */
  async expand(definitionJson: string): Promise<string> {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(definitionJson) as Record<string, unknown>;
    } catch {
      return definitionJson;
    }
    const workflow = doc?.workflow;
    if (typeof workflow !== 'object' || workflow === null) return definitionJson;
    const refs = templateRefs(workflow);
    if (refs.length === 0) return definitionJson;
    const found = new Map<string, JobTemplate & { version: number }>();
    for (const r of refs) {
      const key = templateKey(r.subType, r.version);
      if (found.has(key) || !SUB_TYPE.test(r.subType)) continue;
      const t = await this.store.find(r.subType, r.version ?? 0);
      if (!t) continue;
      const parsed = parseJobTemplate(t.template_json);
      if (parsed.ok) found.set(key, { ...parsed.template, version: t.version });
    }
    const out = applyTemplates(workflow as Record<string, unknown>, found);
    if (out.violations.length > 0)
      throw BatonError.invalid(
        `the workflow definition has ${out.violations.length} problem(s)`,
        out.violations,
      );
    return JSON.stringify({ ...doc, workflow: out.workflow });
  }
}

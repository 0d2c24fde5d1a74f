import { STEP_TYPES, type StepType } from './enums';
import { indexPath, keyPath } from './json-path';
import { type ParamMap, parseParamMap } from './params';
import { isObject } from './reader';
import { type Ctx, type FieldViolation, report } from './violations';

/**
 * A job template (as Maestro's): default params for every step of a `sub_type`. Templates are
 * versioned; a step names one by `sub_type` (and optionally `sub_type_version`), and its own params
 * override the template's (MAP params key by key). Applied when a workflow is pushed, so a
 * workflow version keeps the template version it was pushed with.
 */
export interface JobTemplate {
  subType: string;
  type: StepType;
  description?: string;
  params: ParamMap;
}

export const SUB_TYPE = /^[A-Za-z0-9_.-]{1,128}$/;
/** Step types a template can give (not the engine's own NoOp/Sleep/Join). */
const TEMPLATE_TYPES = STEP_TYPES.filter((t) => !['NOOP', 'SLEEP', 'JOIN'].includes(t));

export function parseJobTemplate(
  text: string,
):
  | { ok: true; template: JobTemplate; source: Record<string, unknown> }
  | { ok: false; violations: FieldViolation[] } {
  const ctx: Ctx = { violations: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, violations: [{ field: '$', description: `not JSON: ${(err as Error).message}` }] };
  }
  if (!isObject(raw))
    return { ok: false, violations: [{ field: '$', description: 'must be a JSON object' }] };
  for (const k of Object.keys(raw))
    if (!['sub_type', 'type', 'description', 'params'].includes(k)) report(ctx, k, 'unknown field');
  const subType = raw.sub_type;
  if (typeof subType !== 'string' || !SUB_TYPE.test(subType))
    report(ctx, 'sub_type', `is required: 1-128 letters, digits, '_', '.' or '-'`);
  const type = typeof raw.type === 'string' ? (raw.type.toUpperCase() as StepType) : undefined;
  if (!type || !(TEMPLATE_TYPES as readonly string[]).includes(type))
    report(ctx, 'type', `is required: one of ${TEMPLATE_TYPES.join(', ')}`);
  if (raw.description !== undefined && typeof raw.description !== 'string')
    report(ctx, 'description', 'must be a string');
  const params = raw.params === undefined ? {} : parseParamMap(ctx, 'params', raw.params);
  if (ctx.violations.length > 0 || !params) return { ok: false, violations: ctx.violations };
  return {
    ok: true,
    template: {
      subType: subType as string,
      type: type as StepType,
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      params,
    },
    source: raw,
  };
}

/** A template a workflow refers to: by sub_type, and a version when pinned (else the latest). */
export interface TemplateRef {
  subType: string;
  version?: number;
  /** JSON path of the step that refers to it. */
  path: string;
  /** `{"template": …}` steps need the template; typed steps with a sub_type use one if it exists. */
  required: boolean;
}

const keyOf = (subType: string, version?: number) => `${subType}#${version ?? 'latest'}`;

/** Every step (nested ones too) of a workflow's source JSON that names a sub_type. */
export function templateRefs(workflow: unknown): TemplateRef[] {
  const out: TemplateRef[] = [];
  visitSteps(workflow, 'workflow', (kind, body, path) => {
    if ((kind === 'step' || kind === 'template') && typeof body.sub_type === 'string') {
      const v = Number(body.sub_type_version);
      out.push({
        subType: body.sub_type,
        ...(Number.isSafeInteger(v) && v > 0 ? { version: v } : {}),
        path,
        required: kind === 'template',
      });
    }
  });
  return out;
}

/**
 * The workflow source with templates applied: a `{"template": …}` step becomes a typed step of the
 * template's type, and each step with a known sub_type gets the template's params under its own.
 * Missing required templates and type clashes are violations at the step's path.
 */
export function applyTemplates(
  workflow: Record<string, unknown>,
  found: ReadonlyMap<string, JobTemplate & { version: number }>,
): { workflow: Record<string, unknown>; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const copy = JSON.parse(JSON.stringify(workflow)) as Record<string, unknown>;
  visitSteps(copy, 'workflow', (kind, body, path, wrapper) => {
    if ((kind !== 'step' && kind !== 'template') || typeof body.sub_type !== 'string') return;
    const v = Number(body.sub_type_version);
    const t = found.get(keyOf(body.sub_type, Number.isSafeInteger(v) && v > 0 ? v : undefined));
    if (!t) {
      if (kind === 'template')
        violations.push({
          field: keyPath(path, 'sub_type'),
          description: `no job template '${body.sub_type}'${body.sub_type_version ? ` version ${body.sub_type_version}` : ''}`,
        });
      return;
    }
    if (kind === 'step' && typeof body.type === 'string' && body.type.toUpperCase() !== t.type) {
      violations.push({
        field: keyPath(path, 'type'),
        description: `job template '${t.subType}' is a ${t.type} template`,
      });
      return;
    }
    body.params = mergeParams(
      t.params as Record<string, unknown>,
      (body.params ?? {}) as Record<string, unknown>,
    );
    body.sub_type_version = String(t.version); // pinned: the version keeps what it was pushed with
    if (kind === 'template') {
      delete wrapper.template;
      wrapper.step = { ...body, type: t.type };
    }
  });
  return { workflow: copy, violations };
}

/** The step's params over the template's; MAP params with literal values merge key by key. */
function mergeParams(base: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(own)) {
    const b = base[k];
    if (
      isObject(b) &&
      isObject(v) &&
      b.type === 'MAP' &&
      v.type === 'MAP' &&
      isObject(b.value) &&
      isObject(v.value)
    )
      out[k] = { ...v, value: mergeParams(b.value, v.value) };
    else out[k] = v;
  }
  return out;
}

export const templateKey = keyOf;

function visitSteps(
  node: unknown,
  path: string,
  fn: (kind: string, body: Record<string, unknown>, path: string, wrapper: Record<string, unknown>) => void,
): void {
  if (!isObject(node) || !Array.isArray(node.steps)) return;
  node.steps.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const kind = Object.keys(entry)[0];
    const body = kind ? entry[kind] : undefined;
    if (!kind || !isObject(body)) return;
    const p = keyPath(indexPath(keyPath(path, 'steps'), i), kind);
    fn(kind, body, p, entry);
    visitSteps(body, p, fn);
  });
}

import type { ParamDef, ParamMap, ParamMode, StepDef, WorkflowDef } from '@baton/model';
import { PARAM_TYPES, type ParamType } from '@baton/model';
import { SelError, toParamType, validateInterpolation } from '@baton/sel';
import type { JsonValue } from './json';

/**
 * A param given at start or restart (Maestro's run params are param definitions too): a literal
 * `value` or a SEL `expression`. `type` defaults to the defined param's type, or is inferred from the
 * value for a new param.
 */
export interface RunParam {
  value?: JsonValue;
  expression?: string;
  type?: string;
}
export type RunParamMap = Record<string, RunParam>;

/** A problem with one field of a request, for INVALID_ARGUMENT details. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** When params are given: at start, or at restart (a new run). */
export type ParamPhase = 'start' | 'restart';

/** Which modes refuse a change in each phase (Maestro's ParamMode). */
const LOCKED: Record<ParamPhase, ReadonlySet<ParamMode>> = {
  start: new Set<ParamMode>(['CONSTANT', 'IMMUTABLE']),
  restart: new Set<ParamMode>(['CONSTANT', 'IMMUTABLE', 'MUTABLE_ON_START']),
};

/**
 * Checks run (or restart) params against a definition: shape, type fit of literal values, and modes
 * (CONSTANT and IMMUTABLE params cannot be overridden; MUTABLE_ON_START ones not at restart). Pure;
 * the start/restart RPC reports the violations as INVALID_ARGUMENT and changes nothing.
 */
export function validateRunParams(
  workflow: Pick<WorkflowDef, 'params' | 'steps'>,
  runParams: RunParamMap | undefined,
  opts: { phase?: ParamPhase; stepRunParams?: Record<string, RunParamMap> } = {},
): FieldViolation[] {
  const phase = opts.phase ?? 'start';
  const out: FieldViolation[] = [];
  checkMap(workflow.params, runParams ?? {}, phase, 'params', out);
  const byId = new Map<string, StepDef>();
  const walk = (steps: readonly StepDef[]) => {
    for (const s of steps) {
      byId.set(s.id, s);
      if (s.kind === 'foreach' || s.kind === 'while') walk(s.steps);
    }
  };
  walk(workflow.steps);
  for (const [stepId, map] of Object.entries(opts.stepRunParams ?? {})) {
    const step = byId.get(stepId);
    if (!step) {
      out.push({ field: `step_params.${stepId}`, description: `unknown step '${stepId}'` });
      continue;
    }
    checkMap(step.params, map, phase, `step_params.${stepId}`, out);
  }
  return out;
}

function checkMap(
  defs: ParamMap | undefined,
  given: RunParamMap,
  phase: ParamPhase,
  base: string,
  out: FieldViolation[],
): void {
  for (const [name, p] of Object.entries(given)) {
    const field = `${base}.${name}`;
    const def = defs && Object.hasOwn(defs, name) ? defs[name] : undefined;
    const mode = def?.mode ?? 'MUTABLE';
    if (def && LOCKED[phase].has(mode)) {
      out.push({ field, description: `param '${name}' is ${mode} and cannot be changed at ${phase}` });
      continue;
    }
    const hasValue = p.value !== undefined && p.value !== null;
    const hasExpr = p.expression !== undefined;
    if (hasValue === hasExpr) {
      out.push({ field, description: `a param needs exactly one of 'value' or 'expression'` });
      continue;
    }
    let type: string | undefined = p.type?.toUpperCase();
    if (type !== undefined && !(PARAM_TYPES as readonly string[]).includes(type)) {
      out.push({ field: `${field}.type`, description: `unknown param type '${p.type}'` });
      continue;
    }
    type ??= def?.type ?? (hasValue ? inferType(p.value as JsonValue) : 'STRING');
    if (type === undefined) {
      out.push({ field, description: `cannot infer a type for the value of '${name}'; give a type` });
      continue;
    }
    if (def && type !== def.type) {
      out.push({
        field: `${field}.type`,
        description: `param '${name}' is defined as ${def.type}, not ${type}`,
      });
      continue;
    }
    if (hasValue) {
      const problem = valueProblem(p.value as JsonValue, type as ParamType);
      if (problem) out.push({ field: `${field}.value`, description: problem });
    } else if (p.expression!.trim() === '') {
      out.push({ field: `${field}.expression`, description: 'expression cannot be empty' });
    }
  }
}

function valueProblem(v: JsonValue, type: ParamType): string | undefined {
  if (type === 'MAP') {
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? undefined
      : 'value does not fit type MAP';
  }
  if (
    (type === 'STRING' && typeof v !== 'string') ||
    (type === 'BOOLEAN' && typeof v !== 'boolean' && v !== 'true' && v !== 'false')
  ) {
    return `value does not fit type ${type}`;
  }
  try {
    toParamType(v, type);
  } catch (e) {
    return e instanceof SelError ? e.detail : String(e);
  }
  if (typeof v === 'string' && v.includes('$')) {
    const check = validateInterpolation(v);
    if (!check.ok) return check.errors[0]!.message;
  }
  return undefined;
}

/** The Maestro type of a plain JSON value, for run params given without one. */
export function inferType(v: JsonValue): ParamType | undefined {
  if (typeof v === 'string') return 'STRING';
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'number') return Number.isInteger(v) ? 'LONG' : 'DOUBLE';
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return 'STRING_ARRAY';
    if (v.every((x) => typeof x === 'boolean')) return 'BOOLEAN_ARRAY';
    if (v.every((x) => typeof x === 'number'))
      return v.every((x) => Number.isInteger(x)) ? 'LONG_ARRAY' : 'DOUBLE_ARRAY';
    return undefined;
  }
  if (v !== null && typeof v === 'object') return 'MAP';
  return undefined;
}

/** A run param as the param definition it overrides (or adds), keeping the defined mode. */
export function runParamAsDef(p: RunParam, def: ParamDef | undefined): ParamDef {
  const type =
    (p.type?.toUpperCase() as ParamType | undefined) ?? def?.type ?? inferType(p.value ?? null) ?? 'STRING';
  const out: ParamDef = { type };
  if (def?.mode) out.mode = def.mode;
  if (p.expression !== undefined) out.expression = p.expression;
  else out.value = p.value;
  return out;
}

/** Layers param maps: later layers replace earlier definitions of the same name. */
export function layerParams(base: ParamMap | undefined, ...layers: (RunParamMap | undefined)[]): ParamMap {
  const out: ParamMap = { ...(base ?? {}) };
  for (const layer of layers) {
    for (const [name, p] of Object.entries(layer ?? {})) out[name] = runParamAsDef(p, out[name]);
  }
  return out;
}

import { SIGNAL_OPERATORS, type SignalOperator } from './enums';
import { indexPath, keyPath } from './json-path';
import { type ParamDef, type ParamMap, parseParamDef, parseParamMap } from './params';
import { asArray, asObject, optString, rejectUnknownKeys, typeName } from './reader';
import { SIGNAL_LIMITS, signalNameProblem } from './signal-limits';
import { type Ctx, checkInterpolation, checkSource, report } from './violations';

/** A signal a step waits for, matched on params (Maestro's SignalDependencyDefinition). */
export interface SignalDependency {
  /** Signal name; may interpolate params. */
  name: string;
  matchParams?: Record<string, { param: ParamDef; operator: SignalOperator }>;
}

/** A signal a step emits when it succeeds (Maestro's SignalOutputDefinition). */
export interface SignalOutput {
  name: string;
  /** Indexed params, LONG or STRING only. */
  params?: ParamMap;
  /** Extra data carried by the signal, not indexed. */
  payload?: ParamMap;
}

/** A signal trigger: starts the workflow when signals matching every definition arrive. */
export interface SignalTrigger {
  definitions: Record<string, SignalTriggerEntry>;
  params?: ParamMap;
  /** SEL condition over the matched signals. */
  condition?: string;
  /** SEL expression giving the dedup key of a trigger firing. */
  dedupExpr?: string;
}

export interface SignalTriggerEntry {
  matchParams?: Record<string, { value: string | number; operator: SignalOperator }>;
  joinKeys?: string[];
}

const DEPENDENCY_KEYS = new Set(['name', 'match_params']);
const MATCH_DEF_KEYS = new Set(['param', 'operator']);
const OUTPUT_KEYS = new Set(['name', 'params', 'payload']);
const TRIGGER_KEYS = new Set(['definitions', 'params', 'condition', 'dedup_expr']);
const ENTRY_KEYS = new Set(['match_params', 'join_keys']);
const MATCH_KEYS = new Set(['value', 'operator']);

export function parseSignalDependencies(ctx: Ctx, path: string, v: unknown): SignalDependency[] | undefined {
  return parseList(ctx, path, v, SIGNAL_LIMITS.maxDependenciesPerStep, (p, item) => {
    const obj = asObject(ctx, p, item);
    if (!obj) return undefined;
    rejectUnknownKeys(ctx, p, obj, DEPENDENCY_KEYS);
    const name = signalName(ctx, p, obj.name);
    const dep: SignalDependency = { name: name ?? '' };
    if (obj.match_params != null) {
      const mp = keyPath(p, 'match_params');
      const matchObj = asObject(ctx, mp, obj.match_params);
      const out: NonNullable<SignalDependency['matchParams']> = {};
      for (const [key, m] of Object.entries(matchObj ?? {})) {
        const mPath = keyPath(mp, key);
        const mObj = asObject(ctx, mPath, m);
        if (!mObj) continue;
        rejectUnknownKeys(ctx, mPath, mObj, MATCH_DEF_KEYS);
        const param = parseParamDef(ctx, keyPath(mPath, 'param'), mObj.param);
        const operator = parseOperator(ctx, keyPath(mPath, 'operator'), mObj.operator);
        if (param) checkLongOrString(ctx, keyPath(mPath, 'param'), param);
        if (param && operator) out[key] = { param, operator };
      }
      dep.matchParams = out;
    }
    return name === undefined ? undefined : dep;
  });
}

export function parseSignalOutputs(ctx: Ctx, path: string, v: unknown): SignalOutput[] | undefined {
  return parseList(ctx, path, v, SIGNAL_LIMITS.maxOutputsPerStep, (p, item) => {
    const obj = asObject(ctx, p, item);
    if (!obj) return undefined;
    rejectUnknownKeys(ctx, p, obj, OUTPUT_KEYS);
    const name = signalName(ctx, p, obj.name);
    const out: SignalOutput = { name: name ?? '' };
    if (obj.params != null) {
      const params = parseParamMap(ctx, keyPath(p, 'params'), obj.params);
      for (const [k, def] of Object.entries(params ?? {}))
        checkLongOrString(ctx, keyPath(keyPath(p, 'params'), k), def);
      if (params) out.params = params;
    }
    if (obj.payload != null) {
      const payload = parseParamMap(ctx, keyPath(p, 'payload'), obj.payload);
      if (payload) out.payload = payload;
    }
    return name === undefined ? undefined : out;
  });
}

export function parseSignalTriggers(ctx: Ctx, path: string, v: unknown): SignalTrigger[] | undefined {
  return parseList(ctx, path, v, Number.POSITIVE_INFINITY, (p, item) => {
    const obj = asObject(ctx, p, item);
    if (!obj) return undefined;
    rejectUnknownKeys(ctx, p, obj, TRIGGER_KEYS);
    const defsPath = keyPath(p, 'definitions');
    const defs = obj.definitions == null ? undefined : asObject(ctx, defsPath, obj.definitions);
    if (!defs || Object.keys(defs).length === 0) {
      if (obj.definitions == null || defs)
        report(ctx, defsPath, 'a signal trigger needs at least one signal definition');
      return undefined;
    }
    const trigger: SignalTrigger = { definitions: {} };
    if (Object.keys(defs).length > SIGNAL_LIMITS.maxSignalsPerTrigger) {
      report(ctx, defsPath, `a signal trigger joins at most ${SIGNAL_LIMITS.maxSignalsPerTrigger} signals`);
    }
    let joinSize: number | undefined;
    for (const [signal, entry] of Object.entries(defs)) {
      const ePath = keyPath(defsPath, signal);
      const nameProblem = signalNameProblem(signal);
      if (nameProblem) report(ctx, ePath, nameProblem);
      const parsed = parseTriggerEntry(ctx, ePath, entry);
      if (!parsed) continue;
      const size = parsed.joinKeys?.length ?? 0;
      if (joinSize !== undefined && size !== joinSize) {
        report(
          ctx,
          keyPath(ePath, 'join_keys'),
          `every signal definition needs the same number of join_keys (${joinSize})`,
        );
      }
      joinSize ??= size;
      trigger.definitions[signal] = parsed;
    }
    if (obj.params != null) {
      const params = parseParamMap(ctx, keyPath(p, 'params'), obj.params);
      if (params) trigger.params = params;
    }
    const condition = optString(ctx, p, obj, 'condition');
    if (condition !== undefined) {
      checkSource(ctx, keyPath(p, 'condition'), condition, 'condition');
      trigger.condition = condition;
    }
    const dedup = optString(ctx, p, obj, 'dedup_expr');
    if (dedup !== undefined) {
      checkSource(ctx, keyPath(p, 'dedup_expr'), dedup, 'expression');
      trigger.dedupExpr = dedup;
    }
    return trigger;
  });
}

function parseTriggerEntry(ctx: Ctx, path: string, v: unknown): SignalTriggerEntry | undefined {
  const obj = asObject(ctx, path, v);
  if (!obj) return undefined;
  rejectUnknownKeys(ctx, path, obj, ENTRY_KEYS);
  const entry: SignalTriggerEntry = {};
  if (obj.match_params != null) {
    const mp = keyPath(path, 'match_params');
    const out: NonNullable<SignalTriggerEntry['matchParams']> = {};
    for (const [key, m] of Object.entries(asObject(ctx, mp, obj.match_params) ?? {})) {
      const mPath = keyPath(mp, key);
      const mObj = asObject(ctx, mPath, m);
      if (!mObj) continue;
      rejectUnknownKeys(ctx, mPath, mObj, MATCH_KEYS);
      const value = mObj.value;
      // Trigger match values are static (Maestro: "cannot be a parameter").
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
        report(
          ctx,
          keyPath(mPath, 'value'),
          `match value must be a string or a whole number, got ${typeName(value)}`,
        );
        continue;
      }
      const operator = parseOperator(ctx, keyPath(mPath, 'operator'), mObj.operator);
      if (operator) out[key] = { value, operator };
    }
    entry.matchParams = out;
  }
  if (obj.join_keys != null) {
    const jp = keyPath(path, 'join_keys');
    const keys = asArray(ctx, jp, obj.join_keys);
    if (keys) {
      entry.joinKeys = keys.filter((k, i) => {
        if (typeof k === 'string') return true;
        report(ctx, indexPath(jp, i), 'join key must be a string');
        return false;
      }) as string[];
    }
  }
  return entry;
}

function parseList<T>(
  ctx: Ctx,
  path: string,
  v: unknown,
  max: number,
  each: (p: string, item: unknown) => T | undefined,
): T[] | undefined {
  const list = asArray(ctx, path, v);
  if (!list) return undefined;
  if (list.length > max) report(ctx, path, `at most ${max} entries, got ${list.length}`);
  const out: T[] = [];
  list.forEach((item, i) => {
    const parsed = each(indexPath(path, i), item);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

function signalName(ctx: Ctx, path: string, v: unknown): string | undefined {
  const p = keyPath(path, 'name');
  if (typeof v !== 'string' || v.trim() === '') {
    report(ctx, p, 'signal name is required and must be a non-empty string');
    return undefined;
  }
  if (v.includes('$')) checkInterpolation(ctx, p, v);
  else {
    const problem = signalNameProblem(v);
    if (problem) report(ctx, p, problem);
  }
  return v;
}

function parseOperator(ctx: Ctx, path: string, v: unknown): SignalOperator | undefined {
  const op = SIGNAL_OPERATORS.find((o) => o === v);
  if (!op) report(ctx, path, `operator must be one of ${SIGNAL_OPERATORS.join(' ')}`);
  return op;
}

function checkLongOrString(ctx: Ctx, path: string, def: ParamDef): void {
  if (def.type !== 'LONG' && def.type !== 'STRING') {
    report(ctx, keyPath(path, 'type'), `signal params must be LONG or STRING, got ${def.type}`);
  }
}

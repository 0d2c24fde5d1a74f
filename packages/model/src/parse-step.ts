import { parseDuration } from './duration';
import { FAILURE_MODES, STEP_TYPES, parseEnum } from './enums';
import { checkNameLength, checkReferenceId } from './ids';
import { keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import { type ParamMap, parseParamMap } from './params';
import {
  type JsonObject,
  asObject,
  optBoolean,
  optInteger,
  optString,
  rejectUnknownKeys,
  typeName,
} from './reader';
import { parseRetryPolicy } from './retry-policy';
import { parseSignalDependencies, parseSignalOutputs } from './signals';
import { STEP_KINDS, type StepCommon, type StepDef, type StepKind } from './step-types';
import type { StepsState } from './steps-state';
import { parseTags } from './tags';
import { checkJobParams } from './job-params';
import { checkSleepSeconds, checkSubworkflowParams, loopParamsOf } from './step-kind-checks';
import { parseTransition } from './transition';
import { type Ctx, checkSource, report } from './violations';

const COMMON_KEYS = [
  'id',
  'name',
  'description',
  'transition',
  'failure_mode',
  'tags',
  'timeout',
  'signal_dependencies',
  'signal_outputs',
  'params',
];

const KIND_KEYS: Record<StepKind, ReadonlySet<string>> = {
  step: new Set([...COMMON_KEYS, 'type', 'sub_type', 'sub_type_version', 'retry_policy']),
  foreach: new Set([...COMMON_KEYS, 'concurrency', 'strict_ordering', 'steps']),
  while: new Set([...COMMON_KEYS, 'condition', 'steps']),
  subworkflow: new Set([...COMMON_KEYS, 'sync', 'explicit_params']),
  template: new Set([...COMMON_KEYS, 'sub_type', 'sub_type_version']),
};

/** Parses nested steps; injected to keep this file free of the list-level logic. */
export type ParseNested = (ctx: Ctx, path: string, v: unknown, depth: number, state: StepsState) => StepDef[];

/**
 * Parses one entry of a `steps` array: an object with exactly one key naming the step's kind.
 * `path` is the entry's path (`workflow.steps[3]`); fields are reported under `<path>.<kind>`.
 * A step whose id is valid is returned even when other fields are not (with placeholders), so that
 * the graph checks still see it; the request as a whole is then rejected anyway.
 */
export function parseStepEntry(
  ctx: Ctx,
  path: string,
  v: unknown,
  depth: number,
  state: StepsState,
  nested: ParseNested,
): StepDef | undefined {
  const wrapper = asObject(ctx, path, v, `an object with one key (${STEP_KINDS.join(', ')})`);
  if (!wrapper) return undefined;
  const keys = Object.keys(wrapper);
  if (keys.length !== 1) {
    report(
      ctx,
      path,
      `a step entry needs exactly one key naming its kind (${STEP_KINDS.join(', ')}), found ${keys.length}`,
    );
    return undefined;
  }
  const kind = keys[0]! as StepKind;
  const base = keyPath(path, kind);
  if (!STEP_KINDS.includes(kind)) {
    report(ctx, base, `unknown step kind '${kind}'; expected one of ${STEP_KINDS.join(', ')}`);
    return undefined;
  }
  state.count++;
  const obj = asObject(ctx, base, wrapper[kind]);
  if (!obj) return undefined;
  rejectUnknownKeys(ctx, base, obj, KIND_KEYS[kind]);
  const common = parseCommon(ctx, base, obj, state);
  switch (kind) {
    case 'step': {
      if (obj.type == null)
        report(ctx, keyPath(base, 'type'), `step type is required; one of ${STEP_TYPES.join(', ')}`);
      const type =
        obj.type == null
          ? undefined
          : parseEnum(ctx, keyPath(base, 'type'), obj.type, STEP_TYPES, 'step type');
      const subType = optString(ctx, base, obj, 'sub_type');
      const retry =
        obj.retry_policy == null
          ? undefined
          : parseRetryPolicy(ctx, keyPath(base, 'retry_policy'), obj.retry_policy);
      if (type === 'SLEEP') checkSleepSeconds(ctx, base, common?.params);
      if (type === 'HTTP' || type === 'SQL' || type === 'NOTEBOOK')
        checkJobParams(ctx, base, type, common?.params);
      if (!common) return undefined;
      return {
        kind,
        ...common,
        type: type ?? 'NOOP',
        ...(subType !== undefined ? { subType } : {}),
        ...(retry ? { retryPolicy: retry } : {}),
      };
    }
    case 'foreach': {
      const concurrency = optInteger(
        ctx,
        base,
        obj,
        'concurrency',
        1,
        DEFINITION_LIMITS.maxForeachConcurrency,
      );
      const strictOrdering = optBoolean(ctx, base, obj, 'strict_ordering');
      const loopParams = loopParamsOf(ctx, base, common?.params, true, state);
      const steps = nestedSteps(ctx, base, obj, depth, state, nested, loopParams);
      if (!common) return undefined;
      return {
        kind,
        ...common,
        loopParams: loopParams ?? {},
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(strictOrdering !== undefined ? { strictOrdering } : {}),
        steps,
      };
    }
    case 'while': {
      const condition = optString(ctx, base, obj, 'condition');
      if (condition === undefined || condition.trim() === '') {
        report(ctx, keyPath(base, 'condition'), 'a while step needs a condition');
      } else {
        checkSource(ctx, keyPath(base, 'condition'), condition, 'condition');
      }
      const loopParams = loopParamsOf(ctx, base, common?.params, false, state);
      const steps = nestedSteps(ctx, base, obj, depth, state, nested, loopParams);
      if (!common) return undefined;
      return { kind, ...common, condition: condition ?? '', ...(loopParams ? { loopParams } : {}), steps };
    }
    case 'subworkflow': {
      const sync = optBoolean(ctx, base, obj, 'sync');
      const explicitParams = optBoolean(ctx, base, obj, 'explicit_params');
      checkSubworkflowParams(ctx, base, common?.params);
      if (!common) return undefined;
      return {
        kind,
        ...common,
        ...(sync !== undefined ? { sync } : {}),
        ...(explicitParams !== undefined ? { explicitParams } : {}),
      };
    }
    case 'template': {
      const subType = optString(ctx, base, obj, 'sub_type');
      if (subType === undefined) report(ctx, keyPath(base, 'sub_type'), 'a template step needs a sub_type');
      const subTypeVersion = optString(ctx, base, obj, 'sub_type_version');
      if (!common) return undefined;
      return {
        kind,
        ...common,
        subType: subType ?? '',
        ...(subTypeVersion !== undefined ? { subTypeVersion } : {}),
      };
    }
  }
}

function parseCommon(ctx: Ctx, base: string, obj: JsonObject, state: StepsState): StepCommon | undefined {
  const idPath = keyPath(base, 'id');
  let id: string | undefined;
  if (typeof obj.id !== 'string') {
    report(
      ctx,
      idPath,
      obj.id == null ? 'step id is required' : `step id must be a string, got ${typeName(obj.id)}`,
    );
  } else if (checkReferenceId(ctx, idPath, obj.id, 'step id')) {
    id = obj.id;
    const first = state.ids.get(id);
    if (first !== undefined) report(ctx, idPath, `duplicate step id '${id}' (first defined at ${first})`);
    else state.ids.set(id, base);
  }
  const transition = parseTransition(ctx, keyPath(base, 'transition'), obj.transition);
  const common: StepCommon = { id: id ?? '', transition };
  const name = optString(ctx, base, obj, 'name');
  if (name !== undefined && checkNameLength(ctx, keyPath(base, 'name'), name)) common.name = name;
  const description = optString(ctx, base, obj, 'description');
  if (description !== undefined) common.description = description;
  if (obj.params != null) {
    const params = parseParamMap(ctx, keyPath(base, 'params'), obj.params);
    if (params) common.params = params;
  }
  if (obj.failure_mode != null) {
    const fm = parseEnum(ctx, keyPath(base, 'failure_mode'), obj.failure_mode, FAILURE_MODES, 'failure mode');
    if (fm) common.failureMode = fm;
  }
  if (obj.tags != null) {
    const tags = parseTags(ctx, keyPath(base, 'tags'), obj.tags);
    if (tags) common.tags = tags;
  }
  if (obj.timeout != null) {
    const timeout = parseDuration(ctx, keyPath(base, 'timeout'), obj.timeout);
    if (timeout !== undefined) common.timeout = timeout;
  }
  if (obj.signal_dependencies != null) {
    const deps = parseSignalDependencies(ctx, keyPath(base, 'signal_dependencies'), obj.signal_dependencies);
    if (deps) common.signalDependencies = deps;
  }
  if (obj.signal_outputs != null) {
    const outs = parseSignalOutputs(ctx, keyPath(base, 'signal_outputs'), obj.signal_outputs);
    if (outs) common.signalOutputs = outs;
  }
  return id === undefined ? undefined : common;
}

function nestedSteps(
  ctx: Ctx,
  base: string,
  obj: JsonObject,
  depth: number,
  state: StepsState,
  nested: ParseNested,
  loopParams: ParamMap | undefined,
): StepDef[] {
  const path = keyPath(base, 'steps');
  if (depth + 1 > DEFINITION_LIMITS.maxDepth) {
    report(
      ctx,
      path,
      `steps are nested ${depth + 1} levels deep, over the limit of ${DEFINITION_LIMITS.maxDepth}`,
    );
    return [];
  }
  const added = Object.keys(loopParams ?? {}).filter((n) => !state.loopParamNames.has(n));
  for (const n of added) state.loopParamNames.add(n);
  const steps = nested(ctx, path, obj.steps, depth + 1, state);
  for (const n of added) state.loopParamNames.delete(n);
  return steps;
}

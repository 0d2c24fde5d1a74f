import { type Duration, parseDuration } from './duration';
import { CRITICALITIES, type Criticality, parseEnum } from './enums';
import { checkNameLength, checkWorkflowId } from './ids';
import { keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import { type ParamMap, parseParamMap } from './params';
import { checkStepLevels, parseStepList } from './parse-steps';
import { asObject, optInteger, optString, rejectUnknownKeys, typeName } from './reader';
import { type SignalTrigger, parseSignalTriggers } from './signals';
import type { StepDef } from './step-types';
import { newStepsState } from './steps-state';
import { type Tag, parseTags } from './tags';
import { type TimeTrigger, parseTimeTriggers } from './time-triggers';
import { type Ctx, report } from './violations';

/** A workflow definition (Maestro's Workflow), normalized. */
export interface WorkflowDef {
  id: string;
  name?: string;
  description?: string;
  tags?: Tag[];
  /** Instance timeout: seconds, or raw text when it references a param. */
  timeout?: Duration;
  timeTriggers?: TimeTrigger[];
  signalTriggers?: SignalTrigger[];
  criticality?: Criticality;
  /** Steps of one instance allowed to run at once; unset means unlimited. */
  instanceStepConcurrency?: number;
  params?: ParamMap;
  steps: StepDef[];
}

const KEYS = new Set([
  'id',
  'name',
  'description',
  'tags',
  'timeout',
  'time_triggers',
  'signal_triggers',
  'criticality',
  'instance_step_concurrency',
  'params',
  'steps',
]);

/** Parses `workflow`; returns the definition and its total step count (nested included). */
export function parseWorkflow(
  ctx: Ctx,
  path: string,
  v: unknown,
): { workflow?: WorkflowDef; stepCount: number } {
  const obj = asObject(ctx, path, v);
  if (!obj) return { stepCount: 0 };
  rejectUnknownKeys(ctx, path, obj, KEYS);
  const idPath = keyPath(path, 'id');
  let id: string | undefined;
  if (typeof obj.id !== 'string') {
    report(
      ctx,
      idPath,
      obj.id == null ? 'workflow id is required' : `workflow id must be a string, got ${typeName(obj.id)}`,
    );
  } else if (checkWorkflowId(ctx, idPath, obj.id)) {
    id = obj.id;
  }
  const state = newStepsState();
  const workflow: WorkflowDef = { id: id ?? '', steps: [] };
  const name = optString(ctx, path, obj, 'name');
  if (name !== undefined && checkNameLength(ctx, keyPath(path, 'name'), name)) workflow.name = name;
  const description = optString(ctx, path, obj, 'description');
  if (description !== undefined) {
    if (description.length > DEFINITION_LIMITS.maxDescriptionLength) {
      report(
        ctx,
        keyPath(path, 'description'),
        `description is over ${DEFINITION_LIMITS.maxDescriptionLength} characters`,
      );
    }
    workflow.description = description;
  }
  if (obj.tags != null) {
    const tags = parseTags(ctx, keyPath(path, 'tags'), obj.tags);
    if (tags) workflow.tags = tags;
  }
  if (obj.timeout != null) {
    const timeout = parseDuration(ctx, keyPath(path, 'timeout'), obj.timeout);
    if (timeout !== undefined) workflow.timeout = timeout;
  }
  if (obj.time_triggers != null) {
    const tt = parseTimeTriggers(ctx, keyPath(path, 'time_triggers'), obj.time_triggers);
    if (tt) workflow.timeTriggers = tt;
  }
  if (obj.signal_triggers != null) {
    const st = parseSignalTriggers(ctx, keyPath(path, 'signal_triggers'), obj.signal_triggers);
    if (st) workflow.signalTriggers = st;
  }
  if (obj.criticality != null) {
    const c = parseEnum(ctx, keyPath(path, 'criticality'), obj.criticality, CRITICALITIES, 'criticality');
    if (c) workflow.criticality = c;
  }
  const isc = optInteger(
    ctx,
    path,
    obj,
    'instance_step_concurrency',
    1,
    DEFINITION_LIMITS.maxInstanceStepConcurrency - 1,
  );
  if (isc !== undefined) workflow.instanceStepConcurrency = isc;
  if (obj.params != null) {
    const params = parseParamMap(ctx, keyPath(path, 'params'), obj.params);
    if (params) workflow.params = params;
  }
  const stepsPath = keyPath(path, 'steps');
  workflow.steps = parseStepList(ctx, stepsPath, obj.steps, 1, state);
  checkStepLevels(ctx, stepsPath, state);
  return { workflow: id === undefined ? undefined : workflow, stepCount: state.count };
}

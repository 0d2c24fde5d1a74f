import type { ParamMap } from '@baton/model';
import type { Draft } from './draft';
import type { JsonObject, JsonValue } from './json';
import {
  DERIVED_DEFAULT_PARAMS,
  defaultWorkflowParams,
  firstTimeTriggerZone,
  runTimestamp,
} from './default-params';
import { ParamEvaluator, type ScopeHooks } from './param-eval';
import { layerParams } from './run-params';
import type { ScriptLanguage } from './script-interpolation';
import type { InstanceSnapshot } from './snapshot';
import { signalDependencyValue } from './signal-types';
import type { TriggerInfo } from './trigger-info';

/** System params of an instance: its identity and initiator, beside the definition's params. */
export function systemInstanceParams(d: Draft, initiator: string | undefined): JsonObject {
  const s = d.snap;
  return {
    workflow_id: s.workflowId,
    workflow_instance_id: s.instanceId,
    workflow_run_id: s.runId,
    workflow_instance_key: s.key,
    initiator: initiator ?? 'manual',
  };
}

function hooks(d: Draft): ScopeHooks {
  return {
    getFromStep: (stepId, name) => stepField(d, stepId, name),
    getFromInstance: (name) => instanceParam(d, name) ?? instanceField(d, name),
    getFromSubworkflow: (stepId, subStepId, name) => {
      const i = d.idx(stepId);
      return i === undefined ? undefined : d.get(i).child?.stepOutputs?.[subStepId]?.[name];
    },
    getFromForeach: (stepId, innerStepId, name) => foreachValues(d, stepId, innerStepId, name),
    getFromSignal: (signal, name) =>
      signalParam(
        d.snap.trigger?.signals?.find((x) => x.name === signal),
        name,
      ),
    getFromFirstSignal: (name) => signalParam(d.snap.trigger?.signals?.[0], name),
    fallback: (name) => instanceParam(d, name),
    now: d.now,
    nextUniqueId: () => d.nextUniqueId(),
  };
}

function signalParam(
  signal: NonNullable<TriggerInfo['signals']>[number] | undefined,
  name: string,
): JsonValue | undefined {
  return signal && Object.hasOwn(signal.params, name) ? signal.params[name] : undefined;
}

/** An instance param seen from a step or an edge: evaluated at start, or a default read late. */
function instanceParam(d: Draft, name: string): JsonValue | undefined {
  if (Object.hasOwn(d.snap.params, name)) return d.snap.params[name];
  return Object.hasOwn(DERIVED_DEFAULT_PARAMS, name) ? lateDefaults(d).get(name) : undefined;
}

const late = new WeakMap<Draft, ParamEvaluator>();

/**
 * The defaults the run did not read at start, evaluated when a step or an edge first reads one:
 * over the params fixed at start (so RUN_TS and any override are the run's own), with the start
 * time as the clock, so the value is the one start would have given.
 */
function lateDefaults(d: Draft): ParamEvaluator {
  let ev = late.get(d);
  if (!ev) {
    const optional: ParamMap = {};
    for (const [k, v] of Object.entries(DERIVED_DEFAULT_PARAMS))
      if (!Object.hasOwn(d.snap.params, k)) optional[k] = v;
    ev = new ParamEvaluator(
      {},
      d.snap.params,
      {
        getFromInstance: (name) => instanceField(d, name),
        now: d.snap.startedAt ?? d.now,
        nextUniqueId: () => d.nextUniqueId(),
      },
      optional,
    );
    late.set(d, ev);
  }
  return ev;
}

/** getFromForeach through the context hook, for a foreach step of this level whose iterations all ended. */
function foreachValues(d: Draft, stepId: string, innerStepId: string, name: string): JsonValue | undefined {
  const i = d.idx(stepId);
  if (i === undefined || d.def(i).kind !== 'foreach') return undefined;
  const st = d.get(i).status;
  if (st !== 'SUCCEEDED' && st !== 'COMPLETED_WITH_ERROR') return undefined;
  return d.ctx.foreachValues?.(stepId, innerStepId, name);
}

function instanceField(d: Draft, name: string): JsonValue | undefined {
  switch (name) {
    case 'INITIATOR':
      return d.snap.initiator ?? null;
    case 'INITIATOR_TIMEZONE':
      return d.snap.trigger?.timezone ?? '';
    case 'FIRST_TIME_TRIGGER_TIMEZONE':
      return firstTimeTriggerZone(d.ctx.workflow);
    case 'MAESTRO_WORKFLOW_STATUS':
    case 'status':
      return d.snap.status;
    default:
      return undefined;
  }
}

/**
 * One iteration's value for `params.getFromForeach(foreach, innerStep, param)`, from the iteration's
 * child instance snapshot (for the shell that answers DecideContext.foreachValues): the inner step's
 * output, else its evaluated param, else null — as getFromStep reads a step.
 */
export function foreachIterationValue(
  child: Pick<InstanceSnapshot, 'steps'> | undefined,
  innerStepId: string,
  name: string,
): JsonValue {
  const s = child?.steps.find((x) => x.id === innerStepId);
  if (!s) return null;
  if (s.outputs && Object.hasOwn(s.outputs, name)) return s.outputs[name]!;
  if (s.params && Object.hasOwn(s.params, name)) return s.params[name]!;
  return null;
}

/**
 * A field of a step as `params.getFromStep(step, name)` and `step__name` see it: its outputs first
 * (output params override params), then its evaluated params, then the special fields.
 */
export function stepField(d: Draft, stepId: string, name: string): JsonValue | undefined {
  const i = d.idx(stepId);
  if (i === undefined) return undefined;
  const s = d.get(i);
  if (s.outputs && Object.hasOwn(s.outputs, name)) return s.outputs[name];
  if (s.params && Object.hasOwn(s.params, name)) return s.params[name];
  switch (name) {
    case 'MAESTRO_STEP_STATUS':
      return s.status;
    case 'MAESTRO_STEP_END_TIME':
      return s.endedAt ?? null;
    case 'MAESTRO_STEP_ERROR_RETRIES':
      return s.retries.user;
    case 'step_id':
      return s.id;
    case 'step_instance_id':
      return i + 1;
    case 'step_attempt_id':
      return s.attempt;
    default:
      return undefined;
  }
}

/**
 * Evaluates the instance params: defaults → definition → run params → restart params, beside the
 * system params. RUN_TS and every param the definition or a run gives are evaluated; the other
 * defaults only when one of those reads them (see default-params.ts).
 */
export function evaluateInstanceParams(d: Draft): JsonObject {
  const s = d.snap;
  const defaults = defaultWorkflowParams(runTimestamp(s.trigger, d.now));
  // Layered over the defaults so that a run param naming one takes its type when it gives none.
  const layered = layerParams({ ...defaults, ...d.ctx.workflow.params }, s.runParams, s.restartParams);
  const defs: ParamMap = {};
  const optional: ParamMap = {};
  for (const [k, v] of Object.entries(layered)) {
    if (v === defaults[k] && k !== 'RUN_TS') optional[k] = v;
    else defs[k] = v;
  }
  const h = hooks(d);
  delete h.fallback;
  h.getFromInstance = (name) => instanceField(d, name);
  return new ParamEvaluator(defs, systemInstanceParams(d, s.initiator), h, optional).all();
}

/** The definitions of a step's params: step-type defaults → step definition → step run params. */
export function stepParamDefs(d: Draft, i: number): ParamMap {
  const def = d.def(i);
  const defaults = def.kind === 'step' ? d.config.stepDefaults[def.type] : undefined;
  const own = def.kind === 'foreach' || def.kind === 'while' ? withoutLoopParams(def.params) : def.params;
  return layerParams({ ...(defaults ?? {}), ...(own ?? {}) }, d.snap.stepRunParams?.[def.id]);
}

function withoutLoopParams(params: ParamMap | undefined): ParamMap | undefined {
  if (!params || !Object.hasOwn(params, 'loop_params')) return params;
  const { loop_params: _drop, ...rest } = params;
  return rest;
}

/** Evaluates a step's params for `attempt` (its system params say which attempt it is). */
export function evaluateStepParams(d: Draft, i: number, attempt: number): JsonObject {
  const def = d.def(i);
  const preset: JsonObject = {
    step_id: def.id,
    step_instance_id: i + 1,
    step_attempt_id: attempt,
  };
  const language = def.kind === 'step' ? scriptLanguage(def.type) : undefined;
  return stepEvaluator(d, i, stepParamDefs(d, i), preset, language).all();
}

/** Step types whose script param is code for an interpreter or a database (their values need safe interpolation). */
function scriptLanguage(type: string): ScriptLanguage | undefined {
  const t = type.toLowerCase();
  if (t === 'docker') return 'Command';
  return t === 'shell' ? 'Shell' : t === 'python' ? 'Python' : t === 'sql' ? 'SQL' : undefined;
}

/** An evaluator over a step's scope (its params, then the instance's), for extra step fields. */
export function stepEvaluator(
  d: Draft,
  i: number,
  defs: ParamMap,
  preset: JsonObject,
  language?: ScriptLanguage,
): ParamEvaluator {
  const h = hooks(d);
  h.scriptLanguage = language;
  const s = d.get(i);
  h.getFromCurrentStep = (name) => stepField(d, s.id, name);
  h.getFromSignalDependency = (dep, name) => signalDependencyValue(d.get(i).signals, dep, name);
  return new ParamEvaluator(defs, preset, h);
}

/** The scope a successor condition runs in: the ended step's outputs and params, then the instance's. */
export function edgeEvaluator(d: Draft, i: number): ParamEvaluator {
  const s = d.get(i);
  const preset: JsonObject = { ...(s.params ?? {}), ...(s.outputs ?? {}) };
  return stepEvaluator(d, i, {}, preset);
}

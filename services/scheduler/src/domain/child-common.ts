import { type ChildRun, childKeyOf } from './actions';
import type { Draft } from './draft';
import type { JsonObject } from './json';
import { systemInstanceParams } from './scopes';
import type { ChildState } from './snapshot';

const SUBWORKFLOW_CONTROL = new Set([
  'subworkflow_id',
  'subworkflow_version',
  'step_id',
  'step_instance_id',
  'step_attempt_id',
]);

/**
 * The instance params a child inherits: all but the system params (its identity is its own). The
 * default params the parent evaluated come along, so an iteration or a subworkflow works on the
 * parent's RUN_TS and dates, also when a run param moved RUN_TS to another day.
 */
export function inheritedParams(d: Draft): JsonObject {
  const system = systemInstanceParams(d, undefined);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(d.snap.params)) if (!Object.hasOwn(system, k)) out[k] = v;
  return out;
}

/** The step's declared params (evaluated), without control and system fields. */
export function declaredParams(d: Draft, i: number, params: JsonObject): JsonObject {
  const out: JsonObject = {};
  const declared = d.def(i).params ?? {};
  for (const [k, v] of Object.entries(params)) {
    if (SUBWORKFLOW_CONTROL.has(k) || k === 'loop_params') continue;
    if (Object.hasOwn(declared, k) || Object.hasOwn(d.snap.stepRunParams?.[d.def(i).id] ?? {}, k)) out[k] = v;
  }
  return out;
}

/** Why a child of `childWorkflow` may not be created (nesting depth, recursion), or undefined. */
export function depthProblem(d: Draft, childWorkflow: string): string | undefined {
  const depth = d.snap.depth + 1;
  if (depth <= d.config.maxDepth) return undefined;
  const chain = [...(d.ctx.ancestors ?? []), d.snap.workflowId];
  const recursive = chain.includes(childWorkflow)
    ? ` (recursion: ${[...chain, childWorkflow].join(' → ')})`
    : '';
  return `nesting depth ${depth} exceeds the limit of ${d.config.maxDepth}${recursive}`;
}

/** The step starts waiting on children: RUNNING, active, with its counters. */
export function beginChildren(d: Draft, i: number, params: JsonObject, child: ChildState): void {
  const s = d.mut(i);
  s.attempt = 1;
  s.params = params;
  s.startedAt = d.now;
  s.child = child;
  d.setStatus(i, 'RUNNING');
  d.snap.active.push(s.id);
}

/** Emits startChild for iteration `it` of step `i` (keyed `<instance key>:<stepId>:<it>`). */
export function emitStartChild(
  d: Draft,
  i: number,
  it: number,
  run: ChildRun,
  params: JsonObject,
  previous?: string[],
): void {
  const stepId = d.plan.ids[i]!;
  const childKey = childKeyOf(d.snap.key, stepId, it);
  d.emit({
    type: 'startChild',
    key: childKey,
    childKey,
    parentKey: d.snap.key,
    stepId,
    iteration: it,
    run,
    params,
    depth: d.snap.depth + 1,
    ...(d.snap.initiator !== undefined ? { initiator: d.snap.initiator } : {}),
    ...(d.snap.trigger !== undefined ? { trigger: d.snap.trigger } : {}),
    ...(previous && previous.length > 0 ? { previous } : {}),
  });
}

/** The run of a foreach/while iteration: the nested steps of step `i` of this workflow. */
export function nestedRun(d: Draft, i: number): ChildRun {
  return { kind: 'foreach', workflowId: d.snap.workflowId, stepId: d.plan.ids[i]! };
}

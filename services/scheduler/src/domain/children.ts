import { childKeyOf } from './actions';
import { settle } from './step-outcome';
import type { Draft } from './draft';
import type { ChildFinishedEvent, ChildStartedEvent } from './events';
import { failStep } from './step-outcome';
import { type JsonObject, type JsonValue, toJsonObject } from './json';
import { stepEvaluator, systemInstanceParams } from './scopes';
import type { ChildState } from './snapshot';
import { paramsOrFail } from './step-params';
import { isInstanceTerminal, isStepTerminal } from './statuses';

const SUBWORKFLOW_CONTROL = new Set([
  'subworkflow_id',
  'subworkflow_version',
  'step_id',
  'step_instance_id',
  'step_attempt_id',
]);

/** The instance params a child inherits: the user's (system params are the child's own). */
function inheritedParams(d: Draft): JsonObject {
  const system = systemInstanceParams(d, undefined);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(d.snap.params)) if (!Object.hasOwn(system, k)) out[k] = v;
  return out;
}

/** The step's declared params (evaluated), without control and system fields. */
function declaredParams(d: Draft, i: number, params: JsonObject): JsonObject {
  const out: JsonObject = {};
  const declared = d.def(i).params ?? {};
  for (const [k, v] of Object.entries(params)) {
    if (SUBWORKFLOW_CONTROL.has(k) || k === 'loop_params') continue;
    if (Object.hasOwn(declared, k) || Object.hasOwn(d.snap.stepRunParams?.[d.def(i).id] ?? {}, k)) out[k] = v;
  }
  return out;
}

function depthProblem(d: Draft, childWorkflow: string): string | undefined {
  const depth = d.snap.depth + 1;
  if (depth <= d.config.maxDepth) return undefined;
  const chain = [...(d.ctx.ancestors ?? []), d.snap.workflowId];
  const recursive = chain.includes(childWorkflow)
    ? ` (recursion: ${[...chain, childWorkflow].join(' → ')})`
    : '';
  return `nesting depth ${depth} exceeds the limit of ${d.config.maxDepth}${recursive}`;
}

function beginChildren(d: Draft, i: number, params: JsonObject, child: ChildState): void {
  const s = d.mut(i);
  s.attempt = 1;
  s.params = params;
  s.startedAt = d.now;
  s.child = child;
  d.setStatus(i, 'RUNNING');
  d.snap.active.push(s.id);
}

/**
 * Subworkflow: one child instance keyed `<instance key>:<stepId>:0` running `subworkflow_id` at
 * `subworkflow_version` (default "default": the shell resolves it as Maestro does). With
 * explicit_params the child gets only the step's declared params; otherwise the parent's params too.
 * sync (default) waits for the child and takes its status; async succeeds once the child exists.
 */
export function startSubworkflow(d: Draft, i: number): void {
  const def = d.def(i);
  if (def.kind !== 'subworkflow') return;
  const params = paramsOrFail(d, i, 1);
  if (!params) return;
  const workflowId = params.subworkflow_id;
  if (typeof workflowId !== 'string' || workflowId === '') {
    return failStep(d, i, 'INTERNALLY_FAILED', 'subworkflow_id must be a non-empty string');
  }
  const problem = depthProblem(d, workflowId);
  if (problem) return failStep(d, i, 'INTERNALLY_FAILED', problem);
  const version = String(params.subworkflow_version ?? 'default');
  const childParams = def.explicitParams
    ? declaredParams(d, i, params)
    : { ...inheritedParams(d), ...declaredParams(d, i, params) };
  beginChildren(d, i, params, {
    kind: 'subworkflow',
    total: 1,
    next: 1,
    running: [0],
    succeeded: 0,
    failed: 0,
    stopped: 0,
    concurrency: 1,
  });
  const childKey = childKeyOf(d.snap.key, def.id, 0);
  d.emit({
    type: 'startChild',
    key: childKey,
    childKey,
    parentKey: d.snap.key,
    stepId: def.id,
    iteration: 0,
    run: { kind: 'subworkflow', workflowId, version },
    params: childParams,
    depth: d.snap.depth + 1,
    ...(d.snap.initiator !== undefined ? { initiator: d.snap.initiator } : {}),
  });
}

/**
 * Foreach: iterations are the Cartesian product of the loop arrays (the last loop param varies
 * fastest), each a child instance keyed `<instance key>:<stepId>:<iteration>` with the loop values,
 * `loop_index` and the parent's params. Launched lazily, never more than `concurrency` at once; the
 * step keeps counters and a checkpoint (`next`), never one entry per iteration.
 */
export function startForeach(d: Draft, i: number): void {
  const def = d.def(i);
  if (def.kind !== 'foreach') return;
  const params = paramsOrFail(d, i, 1);
  if (!params) return;
  const names = Object.keys(def.loopParams);
  let loopValues: JsonObject;
  try {
    loopValues = stepEvaluator(d, i, def.loopParams, params).all();
  } catch (e) {
    return failStep(d, i, 'INTERNALLY_FAILED', `loop_params: ${e instanceof Error ? e.message : String(e)}`);
  }
  let total = 1;
  for (const n of names) {
    const v = loopValues[n];
    if (!Array.isArray(v)) return failStep(d, i, 'INTERNALLY_FAILED', `loop param '${n}' is not an array`);
    total *= v.length;
  }
  if (names.length === 0) total = 0;
  if (total > d.config.maxForeachIterations) {
    return failStep(
      d,
      i,
      'INTERNALLY_FAILED',
      `foreach has ${total} iterations, over the limit of ${d.config.maxForeachIterations}`,
    );
  }
  const problem = depthProblem(d, d.snap.workflowId);
  if (problem) return failStep(d, i, 'INTERNALLY_FAILED', problem);
  const concurrency = Math.max(
    1,
    Math.min(def.concurrency ?? d.config.defaultForeachConcurrency, d.config.maxForeachConcurrency),
  );
  const kept: JsonObject = {};
  for (const n of names) kept[n] = loopValues[n]!;
  beginChildren(d, i, params, {
    kind: 'foreach',
    total,
    next: 0,
    running: [],
    succeeded: 0,
    failed: 0,
    stopped: 0,
    concurrency,
    loopNames: names,
    loopValues: kept,
  });
  launchIterations(d, i);
  finishForeachIfDone(d, i);
}

/** The loop values of iteration `it` (mixed radix, last loop param fastest). */
export function iterationValues(names: readonly string[], values: JsonObject, it: number): JsonObject {
  const out: JsonObject = {};
  let rest = it;
  for (let k = names.length - 1; k >= 0; k--) {
    const arr = values[names[k]!] as JsonValue[];
    out[names[k]!] = arr[rest % arr.length]!;
    rest = Math.floor(rest / arr.length);
  }
  return out;
}

function launchIterations(d: Draft, i: number): void {
  const s = d.mut(i);
  const c = s.child!;
  if (c.failed > 0 || c.stopped > 0) return;
  let base: JsonObject | undefined;
  while (c.running.length < c.concurrency && c.next < c.total) {
    const it = c.next++;
    base ??= { ...inheritedParams(d), ...declaredParams(d, i, s.params ?? {}) };
    const childKey = childKeyOf(d.snap.key, s.id, it);
    c.running.push(it);
    d.emit({
      type: 'startChild',
      key: childKey,
      childKey,
      parentKey: d.snap.key,
      stepId: s.id,
      iteration: it,
      run: { kind: 'foreach', workflowId: d.snap.workflowId, stepId: s.id },
      params: { ...base, ...iterationValues(c.loopNames!, c.loopValues!, it), loop_index: it },
      depth: d.snap.depth + 1,
      ...(d.snap.initiator !== undefined ? { initiator: d.snap.initiator } : {}),
    });
  }
}

function finishForeachIfDone(d: Draft, i: number): void {
  const c = d.get(i).child!;
  if (c.running.length > 0) return;
  if (c.next < c.total && c.failed === 0 && c.stopped === 0 && d.snap.blocked.length > 0) {
    return failStep(
      d,
      i,
      'STOPPED',
      `not finished: another step blocks the instance (${c.next} of ${c.total} iterations launched)`,
    );
  }
  if (c.failed > 0)
    return failStep(
      d,
      i,
      'USER_FAILED',
      `${c.failed} of ${c.total} iterations failed; first: ${c.firstError ?? 'unknown'}`,
    );
  if (c.stopped > 0) return failStep(d, i, 'STOPPED', `${c.stopped} iterations were stopped`);
  if (c.next < c.total) return;
  d.mut(i).outputs = { iterations: c.total, succeeded: c.succeeded };
  settle(d, i, 'SUCCEEDED');
}

/** The step index when the event names a running child of a live step of this instance. */
function runningChild(d: Draft, ev: ChildStartedEvent | ChildFinishedEvent): number | undefined {
  if (isInstanceTerminal(d.snap.status)) return undefined;
  const i = d.idx(ev.stepId);
  if (i === undefined) return undefined;
  const s = d.get(i);
  if (isStepTerminal(s.status) || !s.child || !s.child.running.includes(ev.iteration)) return undefined;
  if (ev.childKey !== childKeyOf(d.snap.key, s.id, ev.iteration)) return undefined;
  return i;
}

/** Launches iterations of every running foreach again (after a resume). */
export function relaunchForeach(d: Draft): void {
  for (const id of d.snap.active) {
    const i = d.idx(id)!;
    const c = d.get(i).child;
    if (c?.kind === 'foreach' && !isStepTerminal(d.get(i).status)) {
      launchIterations(d, i);
      finishForeachIfDone(d, i);
    }
  }
}

export function onChildStarted(d: Draft, ev: ChildStartedEvent): void {
  const i = runningChild(d, ev);
  if (i === undefined) return;
  const def = d.def(i);
  if (def.kind !== 'subworkflow' || d.get(i).child!.started) return;
  const s = d.mut(i);
  s.child!.started = true;
  if (def.sync === false) {
    s.child!.running = [];
    s.outputs = { subworkflow_instance_key: ev.childKey };
    settle(d, i, 'SUCCEEDED', 'async subworkflow started');
  }
}

export function onChildFinished(d: Draft, ev: ChildFinishedEvent): void {
  const i = runningChild(d, ev);
  if (i === undefined || !isInstanceTerminal(ev.status)) return;
  const s = d.mut(i);
  const c = s.child!;
  c.running = c.running.filter((x) => x !== ev.iteration);
  const detail = ev.message ? `: ${ev.message}` : '';
  if (c.kind === 'subworkflow') {
    if (ev.outputs)
      c.stepOutputs = Object.fromEntries(Object.entries(ev.outputs).map(([k, v]) => [k, toJsonObject(v)]));
    switch (ev.status) {
      case 'SUCCEEDED':
        c.succeeded = 1;
        return settle(d, i, 'SUCCEEDED');
      case 'STOPPED':
        c.stopped = 1;
        return failStep(d, i, 'STOPPED', `subworkflow ${ev.childKey} stopped${detail}`);
      case 'TIMED_OUT':
        c.failed = 1;
        return failStep(d, i, 'TIMED_OUT', `subworkflow ${ev.childKey} timed out${detail}`);
      default:
        c.failed = 1;
        return failStep(d, i, 'USER_FAILED', `subworkflow ${ev.childKey} ended ${ev.status}${detail}`);
    }
  }
  if (ev.status === 'SUCCEEDED') c.succeeded++;
  else if (ev.status === 'STOPPED') c.stopped++;
  else {
    c.failed++;
    c.firstError ??= `iteration ${ev.iteration} ended ${ev.status}${detail}`;
  }
  if (d.snap.status === 'IN_PROGRESS' && d.snap.blocked.length === 0) launchIterations(d, i);
  finishForeachIfDone(d, i);
}

import { childKeyOf } from './actions';
import { beginChildren, declaredParams, depthProblem, emitStartChild, inheritedParams } from './child-common';
import type { Draft } from './draft';
import type { ChildFinishedEvent, ChildStartedEvent } from './events';
import { finishForeachIfDone, launchIterations, onForeachChildFinished } from './foreach';
import { toJsonObject } from './json';
import { addCounts } from './rollup';
import { isInstanceTerminal, isStepTerminal } from './statuses';
import { failStep, settle } from './step-outcome';
import { paramsOrFail } from './step-params';
import { continueWhile, onWhileChildFinished } from './while-loop';

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
  emitStartChild(d, i, 0, { kind: 'subworkflow', workflowId, version }, childParams);
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

/** Launches iterations of every running foreach, and the next iteration of every while, again (after a resume). */
export function relaunchChildren(d: Draft): void {
  for (const id of d.snap.active.slice()) {
    const i = d.idx(id)!;
    const s = d.get(i);
    if (!s.child || isStepTerminal(s.status)) continue;
    if (s.child.kind === 'foreach') {
      launchIterations(d, i);
      finishForeachIfDone(d, i);
    } else if (s.child.kind === 'while') continueWhile(d, i);
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
  if (ev.leafCounts) c.leafCounts = addCounts({ ...c.leafCounts }, ev.leafCounts);
  if (c.kind === 'foreach') return onForeachChildFinished(d, i, ev);
  if (c.kind === 'while') return onWhileChildFinished(d, i, ev);
  const detail = ev.message ? `: ${ev.message}` : '';
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

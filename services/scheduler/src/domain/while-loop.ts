import { SelError, evaluate } from '@baton/sel';
import {
  beginChildren,
  declaredParams,
  depthProblem,
  emitStartChild,
  inheritedParams,
  nestedRun,
} from './child-common';
import type { Draft } from './draft';
import type { ChildFinishedEvent } from './events';
import type { JsonObject } from './json';
import { stepEvaluator } from './scopes';
import { isStepTerminal } from './statuses';
import { failStep, settle } from './step-outcome';
import { paramsOrFail } from './step-params';

/**
 * While: the loop params (`loop_params`, evaluated once when the step starts) are the loop's
 * state. Before each iteration `condition` is evaluated over the loop params, then the step's own
 * params, then the instance's; while it holds, one iteration runs: a child instance keyed
 * `<instance key>:<stepId>:<n>` running the nested steps with the parent's params, the step's
 * declared params, the current loop params and `loop_index` = n. Iterations run one after another.
 * When an iteration SUCCEEDS, each loop param its steps updated (NotifyParentAction.params: the
 * output or re-declared param of the step decided last, e.g. a step param `i` = `i + 1`) becomes
 * the next value. The step keeps counters and the current loop params only: O(1) in iterations.
 *
 * Ends: condition false → SUCCEEDED, outputs = {iterations, ...final loop params}; condition not a
 * boolean or failing → INTERNALLY_FAILED; an iteration would exceed `maxWhileIterations` →
 * USER_FAILED "while loop exceeded N iterations"; an iteration STOPPED → STOPPED; ended otherwise →
 * USER_FAILED (failure modes apply). stop/kill reach the running iteration (stopChild).
 */
export function startWhile(d: Draft, i: number): void {
  const def = d.def(i);
  if (def.kind !== 'while') return;
  const params = paramsOrFail(d, i, 1);
  if (!params) return;
  const names = Object.keys(def.loopParams ?? {});
  const loopState: JsonObject = {};
  try {
    const all = stepEvaluator(d, i, def.loopParams ?? {}, params).all();
    for (const n of names) loopState[n] = all[n]!;
  } catch (e) {
    return failStep(d, i, 'INTERNALLY_FAILED', `loop_params: ${e instanceof Error ? e.message : String(e)}`);
  }
  const problem = depthProblem(d, d.snap.workflowId);
  if (problem) return failStep(d, i, 'INTERNALLY_FAILED', problem);
  beginChildren(d, i, params, {
    kind: 'while',
    total: 0,
    next: 0,
    running: [],
    succeeded: 0,
    failed: 0,
    stopped: 0,
    concurrency: 1,
    loopNames: names,
    loopState,
  });
  continueWhile(d, i);
}

/**
 * Between iterations: stops when another step blocks the instance, waits while paused (resume
 * calls this again), else evaluates the condition and starts the next iteration or ends the step.
 */
export function continueWhile(d: Draft, i: number): void {
  const s = d.get(i);
  const c = s.child!;
  if (c.running.length > 0 || isStepTerminal(s.status)) return;
  if (d.snap.blocked.length > 0) {
    return failStep(
      d,
      i,
      'STOPPED',
      `not finished: another step blocks the instance (after ${c.next} iterations)`,
    );
  }
  if (d.snap.status !== 'IN_PROGRESS') return;
  const verdict = whileCondition(d, i);
  if (typeof verdict === 'string') return failStep(d, i, 'INTERNALLY_FAILED', verdict);
  const m = d.mut(i);
  const mc = m.child!;
  if (!verdict) {
    m.outputs = { iterations: mc.next, ...mc.loopState };
    return settle(d, i, 'SUCCEEDED', `while condition false after ${mc.next} iterations`);
  }
  if (mc.next >= d.config.maxWhileIterations) {
    return failStep(d, i, 'USER_FAILED', `while loop exceeded ${d.config.maxWhileIterations} iterations`);
  }
  const it = mc.next++;
  mc.total = mc.next;
  mc.running.push(it);
  emitStartChild(d, i, it, nestedRun(d, i), {
    ...inheritedParams(d),
    ...declaredParams(d, i, m.params ?? {}),
    ...mc.loopState,
    loop_index: it,
  });
}

function whileCondition(d: Draft, i: number): boolean | string {
  const def = d.def(i);
  if (def.kind !== 'while') return false;
  const s = d.get(i);
  const scope = stepEvaluator(d, i, {}, { ...(s.params ?? {}), ...(s.child!.loopState ?? {}) });
  try {
    const r = evaluate(def.condition, scope.host, { now: () => d.now });
    if (typeof r === 'boolean') return r;
    return `while condition is not a boolean: ${typeof r === 'bigint' ? r.toString() : JSON.stringify(r)}`;
  } catch (e) {
    const msg = e instanceof SelError ? e.message : e instanceof Error ? e.message : String(e);
    return `while condition failed: ${msg}`;
  }
}

/** An iteration of a running while ended (its key checked by the caller). */
export function onWhileChildFinished(d: Draft, i: number, ev: ChildFinishedEvent): void {
  const c = d.mut(i).child!;
  const detail = ev.message ? `: ${ev.message}` : '';
  if (ev.status === 'SUCCEEDED') {
    c.succeeded++;
    const updates = ev.params;
    if (updates) {
      const next: JsonObject = { ...c.loopState };
      for (const n of c.loopNames ?? []) if (Object.hasOwn(updates, n)) next[n] = updates[n]!;
      c.loopState = next;
    }
    return continueWhile(d, i);
  }
  if (ev.status === 'STOPPED') {
    c.stopped++;
    return failStep(d, i, 'STOPPED', `iteration ${ev.iteration} stopped${detail}`);
  }
  c.failed++;
  c.firstError = `iteration ${ev.iteration} ended ${ev.status}${detail}`;
  failStep(d, i, 'USER_FAILED', c.firstError);
}

import { childKeyOf } from './actions';
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
import type { JsonObject, JsonValue } from './json';
import { stepEvaluator } from './scopes';
import { failStep, settle } from './step-outcome';
import { paramsOrFail } from './step-params';

/**
 * Foreach: iterations are the Cartesian product of the loop arrays (the last loop param varies
 * fastest), each a child instance keyed `<instance key>:<stepId>:<iteration>` with the loop values,
 * `loop_index` and the parent's params. Launched lazily in index order, never more than
 * `concurrency` at once; the step keeps counters and a checkpoint (`next`), never one entry per
 * iteration.
 *
 * strict_ordering (our reading of Maestro's flag): iterations run one at a time in index order —
 * iteration i+1 starts only after iteration i ended SUCCEEDED (a failed or stopped iteration ends
 * the launching, as it always does); `concurrency` is then ignored.
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
  const concurrency = def.strictOrdering
    ? 1
    : Math.max(
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

/**
 * Launches iterations up to the concurrency bound. After a restart (`prior`), each launch names the
 * iteration's keys in the earlier runs that started it (newest first): the shell answers with the
 * earlier result when it SUCCEEDED instead of running it again (StartChildAction.previous).
 */
export function launchIterations(d: Draft, i: number): void {
  const s = d.mut(i);
  const c = s.child!;
  if (c.failed > 0 || c.stopped > 0) return;
  let base: JsonObject | undefined;
  while (c.running.length < c.concurrency && c.next < c.total) {
    const it = c.next++;
    base ??= { ...inheritedParams(d), ...declaredParams(d, i, s.params ?? {}) };
    c.running.push(it);
    const previous = s.prior?.filter((p) => it < p.launched).map((p) => childKeyOf(p.key, s.id, it));
    emitStartChild(
      d,
      i,
      it,
      nestedRun(d, i),
      { ...base, ...iterationValues(c.loopNames!, c.loopValues!, it), loop_index: it },
      previous,
    );
  }
}

export function finishForeachIfDone(d: Draft, i: number): void {
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
  d.mut(i).outputs = {
    iterations: c.total,
    succeeded: c.succeeded,
    ...(c.reused ? { reused: c.reused } : {}),
  };
  settle(d, i, 'SUCCEEDED');
}

/** An iteration of a running foreach ended (its key checked by the caller). */
export function onForeachChildFinished(d: Draft, i: number, ev: ChildFinishedEvent): void {
  const c = d.mut(i).child!;
  const detail = ev.message ? `: ${ev.message}` : '';
  if (ev.status === 'SUCCEEDED') {
    c.succeeded++;
    if (ev.reusedFrom !== undefined) c.reused = (c.reused ?? 0) + 1;
  } else if (ev.status === 'STOPPED') c.stopped++;
  else {
    c.failed++;
    c.firstError ??= `iteration ${ev.iteration} ended ${ev.status}${detail}`;
  }
  if (d.snap.status === 'IN_PROGRESS' && d.snap.blocked.length === 0) launchIterations(d, i);
  finishForeachIfDone(d, i);
}

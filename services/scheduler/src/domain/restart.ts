import { instanceKeyOf } from './actions';
import { type DecideContext, stepsOf } from './context';
import { downstream, planOf } from './plan';
import type { RunParamMap } from './run-params';
import { freshStep } from './new-snapshot';
import type { InstanceSnapshot, ParentRef, PriorRun } from './snapshot';
import { isInstanceTerminal } from './statuses';

export type RestartMode = 'RESTART_FROM_INCOMPLETE' | 'RESTART_FROM_BEGINNING';

export interface RestartOptions {
  mode?: RestartMode;
  /** Params layered over the previous run's run params (validate with phase 'restart' first). */
  restartParams?: RunParamMap;
  /** Restart from this step: it and its downstream rerun, every other step is kept as it ended. */
  fromStepId?: string;
  /**
   * Rerunning a foreach iteration of a restarted parent as a restart of the iteration's earlier
   * child instance (StartChildAction.previous): the new child's key, run id and parent, and the
   * iteration's params (they replace the earlier run params). Without it a child run is keyed
   * `<previous key>#<runId>` under the same parent.
   */
  child?: { key: string; runId: number; parent: ParentRef; runParams?: RunParamMap };
}

/** Steps a RESTART_FROM_INCOMPLETE keeps with their params and outputs. */
const KEPT = new Set(['SUCCEEDED', 'SKIPPED', 'DISABLED']);

/**
 * Run n+1 of an instance from run n's final snapshot (which must be terminal). The new run is
 * CREATED with seq 0; the shell stores it and appends a `start` event. FROM_BEGINNING resets every
 * step; FROM_INCOMPLETE (default) keeps SUCCEEDED, SKIPPED and DISABLED steps with their params,
 * outputs and recorded edge values and reruns the rest (failed, stopped, COMPLETED_WITH_ERROR,
 * UNSATISFIED and never-run steps); `fromStepId` keeps everything except that step's downstream.
 * Run params carry over; restart params layer on top. Throws when `previous` is not terminal.
 */
export function restartSnapshot(
  previous: InstanceSnapshot,
  ctx: DecideContext,
  opts: RestartOptions,
  now: number,
): InstanceSnapshot {
  if (!isInstanceTerminal(previous.status)) {
    throw new Error(`run ${previous.key} is ${previous.status}; only an ended run can be restarted`);
  }
  const plan = planOf(stepsOf(ctx));
  const runId = previous.runId + 1;
  const fresh = (i: number) => freshStep(plan.ids[i]!, plan.predecessors[i]!.length);
  let keep: (i: number) => boolean;
  if (opts.fromStepId !== undefined) {
    const from = plan.index.get(opts.fromStepId);
    if (from === undefined) throw new Error(`unknown step '${opts.fromStepId}'`);
    const reset = new Set(downstream(plan, from));
    keep = (i) => !reset.has(i) && KEPT_ANY.has(previous.steps[i]!.status);
  } else if ((opts.mode ?? 'RESTART_FROM_INCOMPLETE') === 'RESTART_FROM_BEGINNING') {
    keep = () => false;
  } else {
    // A COMPLETED_WITH_ERROR step reruns, and so does everything that ran after it.
    const rerun = new Set<number>();
    previous.steps.forEach((s, i) => {
      if (s.status === 'COMPLETED_WITH_ERROR') for (const j of downstream(plan, i)) rerun.add(j);
    });
    keep = (i) => KEPT.has(previous.steps[i]!.status) && !rerun.has(i);
  }
  const incomplete =
    opts.fromStepId === undefined && (opts.mode ?? 'RESTART_FROM_INCOMPLETE') === 'RESTART_FROM_INCOMPLETE';
  const steps = plan.ids.map((_id, i) => {
    if (!keep(i)) {
      const s = fresh(i);
      const prior = incomplete ? priorRuns(previous, i) : undefined;
      if (prior) s.prior = prior;
      return s;
    }
    const s = previous.steps[i]!;
    return { ...s, attempts: [], attempt: 0 };
  });
  const snap: InstanceSnapshot = {
    workflowId: previous.workflowId,
    instanceId: previous.instanceId,
    runId: opts.child?.runId ?? runId,
    key:
      opts.child?.key ??
      (previous.parent
        ? `${previous.key}#${runId}`
        : instanceKeyOf(previous.workflowId, previous.instanceId, runId)),
    depth: previous.depth,
    seq: 0,
    status: 'CREATED',
    createdAt: now,
    params: {},
    steps,
    active: [],
    queue: [],
    blocked: [],
  };
  const parent = opts.child?.parent ?? previous.parent;
  if (parent) snap.parent = parent;
  if (previous.initiator !== undefined) snap.initiator = previous.initiator;
  // A restarted TIME run still stands for its fire time (same RUN_TS and dates).
  if (previous.trigger !== undefined) snap.trigger = previous.trigger;
  const runParams = opts.child?.runParams ?? previous.runParams;
  if (runParams) snap.runParams = runParams;
  if (previous.stepRunParams) snap.stepRunParams = previous.stepRunParams;
  const restartParams = { ...(previous.restartParams ?? {}), ...(opts.restartParams ?? {}) };
  if (Object.keys(restartParams).length > 0) snap.restartParams = restartParams;
  return snap;
}

/**
 * A foreach step that reruns FROM_INCOMPLETE remembers the runs that started iterations, newest
 * first (the run that ended, then the ones it remembered): iterations that SUCCEEDED there are
 * taken, not run again. O(restarts), never O(iterations).
 */
function priorRuns(previous: InstanceSnapshot, i: number): PriorRun[] | undefined {
  const s = previous.steps[i];
  if (!s) return undefined;
  const out: PriorRun[] = [];
  if (s.child?.kind === 'foreach' && s.child.next > 0)
    out.push({ key: previous.key, launched: s.child.next });
  for (const p of s.prior ?? []) out.push(p);
  return out.length > 0 ? out : undefined;
}

/** With fromStepId, every decided step outside the reset part is kept (it ended the way it did). */
const KEPT_ANY = new Set(['SUCCEEDED', 'SKIPPED', 'DISABLED', 'UNSATISFIED', 'COMPLETED_WITH_ERROR']);

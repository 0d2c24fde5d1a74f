import { relaunchChildren } from './children';
import { isLive, recomputeReadiness, settle } from './step-outcome';
import type { Draft } from './draft';
import type { InstanceCommandEvent, RestartFromStepEvent, StartEvent, StepCommandEvent } from './events';
import { failStep } from './step-outcome';
import { cancelInFlight, endInstance, forceEnd } from './instance-end';
import { downstream } from './plan';
import { evaluateInstanceParams } from './scopes';
import type { StepState } from './snapshot';
import { isBlocking, isInstanceTerminal } from './statuses';
import { resolveDuration } from './timeouts';

/**
 * Starts a CREATED run: evaluates the instance params (defaults → definition → run → restart),
 * resolves the instance timeout, and makes the roots (and, for a restarted run, every step whose
 * kept predecessors allow it) ready. A param or timeout that does not evaluate fails the run.
 */
export function onStart(d: Draft, ev: StartEvent): void {
  const snap = d.snap;
  if (snap.status !== 'CREATED') return;
  if (snap.runParams === undefined && ev.runParams) snap.runParams = ev.runParams;
  if (snap.stepRunParams === undefined && ev.stepRunParams) snap.stepRunParams = ev.stepRunParams;
  if (ev.initiator !== undefined && snap.initiator === undefined) snap.initiator = ev.initiator;
  if (ev.trigger !== undefined && snap.trigger === undefined) snap.trigger = ev.trigger;
  snap.startedAt = d.now;
  try {
    snap.params = evaluateInstanceParams(d);
    const p = snap.params;
    const secs = resolveDuration(d.ctx.workflow.timeout, (n) => (Object.hasOwn(p, n) ? p[n] : undefined));
    if (secs !== undefined) snap.timeoutAt = d.now + secs * 1000;
  } catch (e) {
    endInstance(d, 'FAILED', `cannot start: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  snap.status = 'IN_PROGRESS';
  d.timersDirty = true;
  d.log(undefined, 'IN_PROGRESS');
  const all: number[] = [];
  for (let i = 0; i < snap.steps.length; i++) if (snap.steps[i]!.status === 'NOT_CREATED') all.push(i);
  recomputeReadiness(d, all);
}

export function onInstanceCommand(d: Draft, ev: InstanceCommandEvent): void {
  const snap = d.snap;
  if (isInstanceTerminal(snap.status)) return;
  const reason = ev.reason ?? defaultReason[ev.type];
  switch (ev.type) {
    case 'stop':
      if (snap.status === 'CREATED') return endInstance(d, 'STOPPED', reason);
      return forceEnd(d, 'STOPPED', reason);
    case 'kill':
      if (snap.status === 'CREATED') return endInstance(d, 'FAILED', reason);
      return forceEnd(d, 'FAILED', reason, true);
    case 'timeout':
      if (snap.status === 'CREATED') return;
      return forceEnd(d, 'TIMED_OUT', reason);
    case 'pause':
      if (snap.status !== 'IN_PROGRESS') return;
      snap.status = 'PAUSED';
      return d.log(undefined, 'PAUSED', ev.reason);
    case 'resume':
      if (snap.status !== 'PAUSED') return;
      snap.status = 'IN_PROGRESS';
      d.log(undefined, 'IN_PROGRESS', ev.reason ?? 'resumed');
      return relaunchChildren(d);
  }
}

const defaultReason: Record<InstanceCommandEvent['type'], string> = {
  stop: 'stopped by user',
  kill: 'killed by user',
  timeout: 'instance timed out',
  pause: 'paused by user',
  resume: 'resumed by user',
};

function running(d: Draft): boolean {
  return d.snap.status === 'IN_PROGRESS' || d.snap.status === 'PAUSED';
}

/** Step stop: a started or ready step becomes STOPPED (its attempt cancelled); it blocks its downstream. */
export function onStepCommand(d: Draft, ev: StepCommandEvent): void {
  if (!running(d)) return;
  const i = d.idx(ev.stepId);
  if (i === undefined) return;
  const s = d.get(i);
  if (ev.type === 'stopStep') {
    if (!isLive(s.status)) return;
    cancelInFlight(d, i, ev.reason ?? 'stopped by user');
    return failStep(d, i, 'STOPPED', ev.reason ?? 'stopped by user');
  }
  // skipStep: a started/ready step, or one that failed (the run goes on as if it had succeeded).
  if (isLive(s.status)) cancelInFlight(d, i, ev.reason ?? 'skipped by user');
  else if (!isBlocking(s.status)) return;
  d.snap.blocked = d.snap.blocked.filter((x) => x !== s.id);
  settle(d, i, 'SKIPPED', ev.reason ?? 'skipped by user');
}

/**
 * Restart from a step within the running run: the step and everything downstream of it are reset
 * (what runs among them is cancelled; attempt numbers go on, so every new attempt has a new key),
 * then the step runs again whatever its incoming edges said.
 */
export function onRestartFromStep(d: Draft, ev: RestartFromStepEvent): void {
  if (!running(d)) return;
  const i = d.idx(ev.stepId);
  if (i === undefined || d.get(i).status === 'NOT_CREATED') return;
  const closure = downstream(d.plan, i);
  for (const j of closure) {
    const s = d.get(j);
    if (isLive(s.status)) cancelInFlight(d, j, `restarted from step ${ev.stepId}`);
    if (s.status !== 'NOT_CREATED') resetStep(d, j, `reset: restart from step ${ev.stepId}`);
  }
  const reset = new Set(closure.map((j) => d.plan.ids[j]!));
  d.snap.blocked = d.snap.blocked.filter((x) => !reset.has(x));
  recomputeReadiness(d, closure, i);
}

/** Back to NOT_CREATED, keeping the attempt counter and history (new attempts get new keys). */
export function resetStep(d: Draft, j: number, message: string): void {
  const s = d.mut(j);
  const keep: StepState = {
    id: s.id,
    status: 'NOT_CREATED',
    waiting: s.waiting,
    enabled: s.enabled,
    attempt: s.attempt,
    attempts: s.attempts,
    retries: { user: 0, platform: 0, timeout: 0 },
  };
  if (s.waits !== undefined) keep.waits = s.waits;
  d.snap.steps[j] = keep;
  d.changed.add(j);
  d.removeActive(s.id);
  d.removeQueued(s.id);
  d.log(s.id, 'NOT_CREATED', message);
}

import { DEFINITION_LIMITS } from '@baton/model';
import { attemptKeyOf } from './actions';
import { atBreakpoint } from './breakpoints';
import { startSubworkflow } from './children';
import { startForeach } from './foreach';
import { awaitSignals } from './signal-deps';
import { startWhile } from './while-loop';
import { settle } from './step-outcome';
import type { Draft } from './draft';
import { failStep } from './step-outcome';
import type { JsonObject } from './json';
import { paramsOrFail } from './step-params';
import { resolveDuration } from './timeouts';

/**
 * Starts a ready step (from the queue). NoOp and Join complete here; Sleep becomes a timer (it
 * occupies no worker); runtime types are dispatched as attempt n+1; foreach, while and subworkflow
 * start child instances; template steps fail clearly (not supported yet) instead of hanging.
 */
export function startStep(d: Draft, i: number): void {
  if (atBreakpoint(d, i)) return;
  if (awaitSignals(d, i)) return;
  const def = d.def(i);
  switch (def.kind) {
    case 'step':
      if (def.type === 'NOOP' || def.type === 'JOIN') return completeInline(d, i);
      if (def.type === 'SLEEP') return startSleep(d, i);
      return dispatch(d, i);
    case 'subworkflow':
      return startSubworkflow(d, i);
    case 'foreach':
      return startForeach(d, i);
    case 'while':
      return startWhile(d, i);
    case 'template':
      return failStep(d, i, 'INTERNALLY_FAILED', `${def.kind} steps are not supported yet`);
  }
}

function begin(d: Draft, i: number, params: JsonObject, attempt: number) {
  const s = d.mut(i);
  s.attempt = attempt;
  s.params = params;
  s.attempts.push({
    attempt,
    key: attemptKeyOf(d.snap.key, s.id, attempt),
    status: 'RUNNING',
    createdAt: d.now,
    startedAt: d.now,
  });
  s.startedAt ??= d.now;
  delete s.dueAt;
  return s;
}

function completeInline(d: Draft, i: number): void {
  const attempt = d.get(i).attempt + 1;
  const params = paramsOrFail(d, i, attempt);
  if (!params) return;
  const s = begin(d, i, params, attempt);
  s.attempts[s.attempts.length - 1] = {
    ...s.attempts[s.attempts.length - 1]!,
    status: 'SUCCEEDED',
    endedAt: d.now,
  };
  settle(d, i, 'SUCCEEDED');
}

function startSleep(d: Draft, i: number): void {
  const attempt = d.get(i).attempt + 1;
  const params = paramsOrFail(d, i, attempt);
  if (!params) return;
  const secs = params.sleep_seconds;
  // Computed values get the push-time bound too: a timer due in 1e300 s never fires.
  const max = DEFINITION_LIMITS.maxSleepSeconds;
  if (typeof secs !== 'number' || !Number.isFinite(secs) || secs < 0 || secs > max) {
    return failStep(
      d,
      i,
      'INTERNALLY_FAILED',
      `a Sleep step needs a sleep_seconds param from 0 to ${max}, got ${JSON.stringify(secs ?? null)}`,
    );
  }
  const s = begin(d, i, params, attempt);
  if (secs === 0) return settle(d, i, 'SUCCEEDED');
  s.dueAt = d.now + secs * 1000;
  d.timersDirty = true;
  d.setStatus(i, 'RUNNING', undefined, attempt);
  d.snap.active.push(s.id);
}

/**
 * Dispatches attempt n+1 of a runtime step. The attempt key is new for every attempt: a retry or
 * a replacement for a lost worker never reuses a key, so user code can dedupe its side effects by it.
 */
function dispatch(d: Draft, i: number): void {
  const def = d.def(i);
  if (def.kind !== 'step') return;
  const attempt = d.get(i).attempt + 1;
  const params = paramsOrFail(d, i, attempt);
  if (!params) return;
  let timeoutSeconds: number | undefined;
  try {
    const lookup = (n: string) => (Object.hasOwn(params, n) ? params[n] : d.snap.params[n]);
    timeoutSeconds = resolveDuration(def.timeout ?? d.config.defaultStepTimeoutSeconds, lookup);
  } catch (e) {
    return failStep(d, i, 'INTERNALLY_FAILED', e instanceof Error ? e.message : String(e));
  }
  const s = begin(d, i, params, attempt);
  const rec = s.attempts[s.attempts.length - 1]!;
  s.attempts[s.attempts.length - 1] = { attempt, key: rec.key, status: 'STARTING', createdAt: d.now };
  if (timeoutSeconds !== undefined) {
    s.timeoutAt = d.now + timeoutSeconds * 1000;
    d.timersDirty = true;
  } else delete s.timeoutAt;
  d.setStatus(i, 'STARTING', undefined, attempt);
  d.snap.active.push(s.id);
  const snap = d.snap;
  d.emit({
    type: 'dispatchAttempt',
    key: rec.key,
    instanceKey: snap.key,
    workflowId: snap.workflowId,
    instanceId: snap.instanceId,
    runId: snap.runId,
    stepId: s.id,
    attempt,
    attemptKey: rec.key,
    stepType: def.type,
    params,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    pool: typeof params.pool === 'string' ? params.pool : d.config.defaultPool,
    ...permitTagsOf(d, i),
  });
}

/** The user tags an attempt of step i carries: its own and its workflow's, each once. */
function permitTagsOf(d: Draft, i: number): { tags?: string[] } {
  const own = d.def(i).tags ?? [];
  const wf = d.ctx.workflow.tags ?? [];
  if (own.length === 0 && wf.length === 0) return {};
  return { tags: [...new Set([...own, ...wf].map((t) => t.name))] };
}

import type { ParamDef, ParamMap } from '@baton/model';
import { interpolate } from '@baton/sel';
import type { Draft } from './draft';
import type { BypassSignalsEvent, SignalMatchedEvent } from './events';
import type { ParamEvaluator } from './param-eval';
import { stepEvaluator, stepParamDefs } from './scopes';
import type { SignalMatch, StepSignals } from './signal-types';
import { failStep } from './step-outcome';

/**
 * Before a step with signal dependencies starts, it waits for them (WAITING_FOR_SIGNALS) unless
 * they were satisfied already (a retry, a step resumed after its wait). Returns true when the
 * step waits (or failed evaluating them): the caller does not start it now.
 */
export function awaitSignals(d: Draft, i: number): boolean {
  const def = d.def(i);
  const deps = def.signalDependencies;
  if (!deps || deps.length === 0) return false;
  const s = d.get(i);
  if (s.signals?.satisfied) return false;
  let evaluated: StepSignals['deps'];
  try {
    evaluated = evaluateDeps(d, i, deps);
  } catch (e) {
    failStep(d, i, 'INTERNALLY_FAILED', `signal dependencies: ${e instanceof Error ? e.message : String(e)}`);
    return true;
  }
  const m = d.mut(i);
  m.waits = (s.waits ?? 0) + 1;
  const waitKey = `${d.snap.key}:${s.id}:w${m.waits}`;
  m.signals = { waitKey, deps: evaluated, matched: evaluated.map(() => null) };
  m.startedAt ??= d.now;
  d.setStatus(i, 'WAITING_FOR_SIGNALS', evaluated.map((x) => x.name).join(', '));
  d.snap.active.push(s.id);
  const snap = d.snap;
  d.emit({
    type: 'waitSignals',
    key: `${waitKey}:wait`,
    waitKey,
    instanceKey: snap.key,
    workflowId: snap.workflowId,
    instanceId: snap.instanceId,
    runId: snap.runId,
    stepId: s.id,
    deps: evaluated,
  });
  return true;
}

function evaluateDeps(
  d: Draft,
  i: number,
  deps: NonNullable<ReturnType<Draft['def']>['signalDependencies']>,
) {
  // The step's own params are in scope (lazily: only those the dependencies read are evaluated).
  const defs = stepParamDefs(d, i);
  const scope: ParamEvaluator = stepEvaluator(d, i, defs, {});
  const lookup = (n: string) => scope.host.get(n) as never;
  return deps.map((dep, k) => {
    const name = dep.name.includes('$') ? interpolate(dep.name, lookup) : dep.name;
    const match: SignalMatch[] = [];
    for (const [param, m] of Object.entries(dep.matchParams ?? {})) {
      const value = evalMatch(d, i, defs, `${k}.${param}`, m.param);
      match.push({ param, operator: m.operator, value });
    }
    return { name, match };
  });
}

function evalMatch(d: Draft, i: number, defs: ParamMap, label: string, def: ParamDef): SignalMatch['value'] {
  const v = stepEvaluator(d, i, { ...defs, [label]: def }, {}).get(label);
  if (def.type === 'LONG') {
    if (typeof v === 'number' && Number.isInteger(v)) return { type: 'LONG', value: String(v) };
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return { type: 'LONG', value: v };
    throw new Error(`match param ${label} is not a LONG: ${JSON.stringify(v)}`);
  }
  if (typeof v !== 'string') throw new Error(`match param ${label} is not a STRING: ${JSON.stringify(v)}`);
  return { type: 'STRING', value: v };
}

/** The signal service matched dependency `index` of the step's current wait. */
export function onSignalMatched(d: Draft, ev: SignalMatchedEvent): void {
  const i = d.idx(ev.stepId);
  if (i === undefined) return;
  const s = d.get(i);
  if (s.status !== 'WAITING_FOR_SIGNALS' || s.signals?.waitKey !== ev.waitKey) return;
  if (ev.index < 0 || ev.index >= s.signals.matched.length || s.signals.matched[ev.index]) return;
  const matched = s.signals.matched.slice();
  matched[ev.index] = ev.signal;
  const m = d.mut(i);
  m.signals = { ...s.signals, matched };
  d.log(s.id, 'WAITING_FOR_SIGNALS', `matched ${ev.signal.name} #${ev.signal.seq}`);
  if (matched.every((x) => x !== null)) proceed(d, i, 'signals matched');
}

/** An operator lets a waiting step go on without its signals. */
export function onBypassSignals(d: Draft, ev: BypassSignalsEvent): void {
  const i = d.idx(ev.stepId);
  if (i === undefined) return;
  const s = d.get(i);
  if (s.status !== 'WAITING_FOR_SIGNALS' || !s.signals) return;
  d.mut(i).signals = { ...s.signals, bypassed: true };
  cancelWait(d, i);
  proceed(d, i, ev.reason ?? 'signal dependencies bypassed');
}

/** The wait is over: the step goes back to the queue and starts like any ready step. */
function proceed(d: Draft, i: number, message: string): void {
  const s = d.mut(i);
  s.signals = { ...s.signals!, satisfied: true };
  d.setStatus(i, 'INITIALIZED', message);
  d.removeActive(s.id);
  d.snap.queue.push(s.id);
}

/** Tells the signal service the step no longer waits (it was stopped, skipped or bypassed). */
export function cancelWait(d: Draft, i: number): void {
  const s = d.get(i);
  if (!s.signals) return;
  d.emit({ type: 'cancelWait', key: `${s.signals.waitKey}:cancel`, waitKey: s.signals.waitKey });
}

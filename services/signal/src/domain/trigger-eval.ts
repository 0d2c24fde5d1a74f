import type { ParamMap } from '@baton/model';
import { type HostValue, type ParamHost, SelError, evaluate, interpolate, toParamType } from '@baton/sel';
import type { SignalInstance } from './signal-instance';
import { hostValue } from './signal-values';

/** A run param a trigger computed: its JSON value and Maestro type (StartWorkflow's run_params). */
export interface RunParamValue {
  value: unknown;
  type: string;
}

/**
 * The SEL scope of a signal trigger's `condition`, `dedup_expr` and `params`: the matched signals
 * through `params.getFromSignal(name, param)` and the one-argument `params.getFromSignal(param)` (the
 * first matched signal that has it, in definition order), and the trigger params evaluated so far.
 */
export function signalHost(
  matched: readonly SignalInstance[],
  now: number,
  own: Record<string, HostValue> = {},
) {
  const byName = new Map(matched.map((s) => [s.name, s]));
  const fromSignal = (name: string | undefined, param: string): HostValue => {
    if (name) {
      const s = byName.get(name);
      return s && Object.hasOwn(s.params, param) ? hostValue(s.params[param]!) : undefined;
    }
    for (const s of matched) if (Object.hasOwn(s.params, param)) return hostValue(s.params[param]!);
    return undefined;
  };
  const host: ParamHost = {
    get: (n) => (Object.hasOwn(own, n) ? own[n] : undefined),
    getFromSignal: (name, param) => fromSignal(name, param),
    getFromFirstSignal: (param) => fromSignal(undefined, param),
    now: () => now,
  };
  return host;
}

/** Evaluates a trigger's condition: true, false, or an error message. */
export function evalCondition(source: string, host: ParamHost): boolean | string {
  try {
    const v = evaluate(source, host);
    if (typeof v !== 'boolean') return `condition returned ${typeof v}, not a boolean`;
    return v;
  } catch (e) {
    return `condition failed: ${message(e)}`;
  }
}

/** The dedup key a trigger's dedup_expr gives, or an error. */
export function evalDedup(source: string, host: ParamHost): { key: string } | { error: string } {
  try {
    const v = evaluate(source, host);
    if (v === null || v === undefined) return { error: 'dedup_expr returned null' };
    return { key: typeof v === 'object' ? JSON.stringify(v) : String(v) };
  } catch (e) {
    return { error: `dedup_expr failed: ${message(e)}` };
  }
}

/**
 * Evaluates a trigger's params in order of definition (an expression may read the ones before it
 * by name); literal strings are interpolated (`${name}`).
 */
export function evalParams(
  defs: ParamMap,
  matched: readonly SignalInstance[],
  now: number,
): { params: Record<string, RunParamValue> } | { error: string } {
  const own: Record<string, HostValue> = {};
  const out: Record<string, RunParamValue> = {};
  for (const [name, def] of Object.entries(defs)) {
    try {
      const host = signalHost(matched, now, own);
      let v: unknown;
      if (def.expression !== undefined) v = toParamType(evaluate(def.expression, host), def.type);
      else if (typeof def.value === 'string' && def.type === 'STRING')
        v = interpolate(def.value, (n) => host.get(n) as never);
      else v = toParamType(def.value as never, def.type);
      own[name] = v as HostValue;
      out[name] = { value: typeof v === 'bigint' ? v.toString() : v, type: def.type };
    } catch (e) {
      return { error: `param '${name}': ${message(e)}` };
    }
  }
  return { params: out };
}

function message(e: unknown): string {
  return e instanceof SelError ? e.message : e instanceof Error ? e.message : String(e);
}

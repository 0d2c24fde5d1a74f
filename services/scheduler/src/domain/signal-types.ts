import type { JsonValue } from './json';

/** A match param of a signal dependency, evaluated: LONG values as decimal text (64-bit exact). */
export interface SignalMatch {
  param: string;
  operator: '=' | '>' | '>=' | '<' | '<=';
  value: { type: 'LONG' | 'STRING'; value: string };
}

/** A signal instance as the step keeps it (params as the signal service sent them, typed). */
export interface SignalRef {
  name: string;
  seq: number;
  params: Record<string, { type: 'LONG' | 'STRING'; value: string }>;
}

/**
 * A step's signal dependencies: evaluated when it began waiting (name interpolated, match params
 * computed), what matched each, and whether an operator bypassed the wait. `waitKey` names this
 * wait at the signal service; a report for another wait is stale.
 */
export interface StepSignals {
  waitKey: string;
  deps: { name: string; match: SignalMatch[] }[];
  matched: (SignalRef | null)[];
  bypassed?: boolean;
  /** Every dependency matched or bypassed: the step goes on (and does not wait again on retries). */
  satisfied?: boolean;
}

/**
 * `params.getFromSignalDependency(dependency, param)`: `dependency` is the index of the dependency
 * (as text: "0", "1"...) or its signal name; the value is the param of the instance that matched.
 */
export function signalDependencyValue(
  sig: StepSignals | undefined,
  dependency: string,
  param: string,
): JsonValue | undefined {
  if (!sig) return undefined;
  let k = /^\d+$/.test(dependency) ? Number(dependency) : sig.deps.findIndex((x) => x.name === dependency);
  if (k < 0 || k >= sig.matched.length) k = sig.deps.findIndex((x) => x.name === dependency);
  const ref = k >= 0 ? sig.matched[k] : undefined;
  const p = ref?.params[param];
  if (!p) return undefined;
  if (p.type === 'STRING') return p.value;
  const n = Number(p.value);
  return Number.isSafeInteger(n) ? n : p.value;
}

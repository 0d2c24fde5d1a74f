import { type ParamFilter, allHold } from './param-filter';
import type { SignalInstance, SignalRefRecord } from './signal-instance';
import { decodeValue, encodeParams, encodeValue } from './signal-values';

/** A step waiting on its signal dependencies (registered by the scheduler, keyed by waitKey). */
export interface WaitSpec {
  waitKey: string;
  instanceKey: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  deps: { name: string; match: ParamFilter[] }[];
}

/**
 * A wait's state, kept in its ledger. Per dependency: the instance that matched it (once one did),
 * the highest seq examined going forward (signals published after the wait began) and the lowest
 * examined going back through the name's history (1 = history done).
 */
export interface WaitState {
  matched: (SignalRefRecord | null)[];
  forward: number[];
  backward: number[];
}

/** The first state of a wait: history is read back from `latest[i]`, new signals after it. */
export function initialWaitState(spec: WaitSpec, latest: readonly number[]): WaitState {
  return {
    matched: spec.deps.map(() => null),
    forward: [...latest],
    backward: latest.map((n) => n + 1),
  };
}

/** What was read for one dependency: instances above `forward` and below `backward` (any order). */
export interface WaitInput {
  newer: SignalInstance[];
  older: SignalInstance[];
  /** The highest seq known to exist (forward moves here when nothing newer matched). */
  latest: number;
}

export interface WaitDecision {
  state: WaitState;
  /** Dependencies matched in this decision (index → instance): each is reported to the scheduler. */
  matches: { index: number; signal: SignalRefRecord }[];
  done: boolean;
}

/**
 * Matches a step's dependencies, as Maestro does, against any instance of the signal, published
 * before or after the wait began: the newest matching instance examined wins, new signals first,
 * then history newest first. Pure.
 */
export function decideWait(
  prev: WaitState,
  spec: WaitSpec,
  inputs: readonly (WaitInput | undefined)[],
): WaitDecision {
  const state: WaitState = {
    matched: [...prev.matched],
    forward: [...prev.forward],
    backward: [...prev.backward],
  };
  const matches: WaitDecision['matches'] = [];
  spec.deps.forEach((dep, i) => {
    const input = inputs[i];
    if (state.matched[i] || !input) return;
    const newer = input.newer.filter((s) => s.seq > state.forward[i]!).sort((a, b) => b.seq - a.seq);
    const older = input.older.filter((s) => s.seq < state.backward[i]!).sort((a, b) => b.seq - a.seq);
    const hit = [...newer, ...older].find((s) => allHold(s.params, dep.match));
    state.forward[i] = Math.max(state.forward[i]!, input.latest, ...newer.map((s) => s.seq));
    if (older.length > 0) state.backward[i] = Math.min(state.backward[i]!, ...older.map((s) => s.seq));
    if (hit) {
      const ref = { name: hit.name, seq: hit.seq, params: encodeParams(hit.params) };
      state.matched[i] = ref;
      matches.push({ index: i, signal: ref });
    }
  });
  return { state, matches, done: state.matched.every((m) => m !== null) };
}

/** A wait as JSON text (match values tagged, see signal-values), for its document. */
export function waitSpecToJson(spec: WaitSpec): string {
  return JSON.stringify({
    ...spec,
    deps: spec.deps.map((d) => ({
      name: d.name,
      match: d.match.map((f) => ({ param: f.param, operator: f.operator, value: encodeValue(f.value) })),
    })),
  });
}

export function waitSpecFromJson(text: string): WaitSpec {
  const raw = JSON.parse(text) as Omit<WaitSpec, 'deps'> & {
    deps: { name: string; match: { param: string; operator: ParamFilter['operator']; value: string }[] }[];
  };
  return {
    ...raw,
    deps: raw.deps.map((d) => ({
      name: d.name,
      match: d.match.map((f) => ({ param: f.param, operator: f.operator, value: decodeValue(f.value) })),
    })),
  };
}

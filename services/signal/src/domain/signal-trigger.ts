import { createHash } from 'node:crypto';
import type { ParamMap, SignalTrigger } from '@baton/model';
import { type ParamFilter, allHold } from './param-filter';
import { type SignalInstance, type SignalRefRecord, signalId } from './signal-instance';
import { type EncodedParams, decodeParams, encodeParams, encodeValue } from './signal-values';
import { type RunParamValue, evalCondition, evalDedup, evalParams, signalHost } from './trigger-eval';

/** A signal trigger of a workflow's active version, ready to match. */
export interface CompiledSignalTrigger {
  workflowId: string;
  /** Stable id (a digest of the trigger's definition). */
  triggerId: string;
  /** Signal names in definition order. */
  names: string[];
  match: Record<string, ParamFilter[]>;
  joinKeys: Record<string, string[]>;
  condition?: string;
  dedupExpr?: string;
  params?: ParamMap;
}

export function compileSignalTrigger(
  workflowId: string,
  triggerId: string,
  t: SignalTrigger,
): CompiledSignalTrigger {
  const names = Object.keys(t.definitions);
  const match: Record<string, ParamFilter[]> = {};
  const joinKeys: Record<string, string[]> = {};
  for (const name of names) {
    const entry = t.definitions[name]!;
    match[name] = Object.entries(entry.matchParams ?? {}).map(([param, m]) => ({
      param,
      operator: m.operator,
      value: typeof m.value === 'number' ? BigInt(m.value) : m.value,
    }));
    joinKeys[name] = entry.joinKeys ?? [];
  }
  const out: CompiledSignalTrigger = { workflowId, triggerId, names, match, joinKeys };
  if (t.condition !== undefined) out.condition = t.condition;
  if (t.dedupExpr !== undefined) out.dedupExpr = t.dedupExpr;
  if (t.params) out.params = t.params;
  return out;
}

/** A matching signal instance not consumed yet, waiting for the others of its join. */
export interface Candidate {
  seq: number;
  params: EncodedParams;
  createdAt: number;
  /** Its join values, encoded: candidates of different names join when these are equal. */
  join: string;
}

/**
 * A signal trigger's state, kept in its ledger. Per signal name: the highest seq examined, and the
 * matching instances examined but not consumed yet (oldest first, at most MAX_PENDING per name).
 */
export interface SignalTriggerState {
  cursors: Record<string, number>;
  pending: Record<string, Candidate[]>;
  fired: number;
  /** Joins consumed without a run (condition false, an expression failed). */
  skipped: number;
  lastError?: string;
}

/** Candidates kept per signal name; beyond it the oldest are dropped (documented limit). */
export const MAX_PENDING = 1000;

/** A run to start: StartWorkflow with this request id (the scheduler makes a repeat a no-op). */
export interface TriggerFire {
  requestId: string;
  signals: SignalRefRecord[];
  runParams: Record<string, RunParamValue>;
}

export interface SignalTriggerDecision {
  state: SignalTriggerState;
  fires: TriggerFire[];
}

/**
 * Consumes new signal instances, oldest first (by creation time, then name and seq), as Maestro's
 * broker does for each arriving instance: a matching instance joins with the oldest pending
 * candidate of every other name that has the same join values; when every name has one, the
 * trigger fires and those instances are consumed (each at most once per trigger). Otherwise it
 * waits as a candidate. `condition` must hold; `dedup_expr` gives the run's request id.
 *
 * `signals` holds, per name, instances with seq above the state's cursor (contiguous from it).
 * Pure: SEL sees `now` as the time.
 */
export function decideSignalTrigger(
  prev: SignalTriggerState,
  t: CompiledSignalTrigger,
  signals: readonly SignalInstance[],
  now: number,
): SignalTriggerDecision {
  const state: SignalTriggerState = {
    cursors: { ...prev.cursors },
    pending: Object.fromEntries(t.names.map((n) => [n, [...(prev.pending[n] ?? [])]])),
    fired: prev.fired,
    skipped: prev.skipped,
  };
  if (prev.lastError !== undefined) state.lastError = prev.lastError;
  const fires: TriggerFire[] = [];
  const ordered = [...signals].sort(
    (a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.seq - b.seq),
  );
  for (const s of ordered) {
    if (!t.match[s.name] || s.seq <= (state.cursors[s.name] ?? 0)) continue;
    state.cursors[s.name] = s.seq;
    if (!allHold(s.params, t.match[s.name]!)) continue;
    const join = joinOf(t, s);
    if (join === undefined) continue;
    const partners: { name: string; index: number }[] = [];
    for (const other of t.names) {
      if (other === s.name) continue;
      const index = state.pending[other]!.findIndex((c) => c.join === join);
      if (index < 0) break;
      partners.push({ name: other, index });
    }
    if (partners.length < t.names.length - 1) {
      const list = state.pending[s.name]!;
      list.push({ seq: s.seq, params: encodeParams(s.params), createdAt: s.createdAt, join });
      if (list.length > MAX_PENDING) list.splice(0, list.length - MAX_PENDING);
      continue;
    }
    const matched: SignalInstance[] = [];
    for (const name of t.names) {
      if (name === s.name) {
        matched.push(s);
        continue;
      }
      const p = partners.find((x) => x.name === name)!;
      const [c] = state.pending[name]!.splice(p.index, 1);
      matched.push({ name, seq: c!.seq, params: decodeParams(c!.params), createdAt: c!.createdAt });
    }
    const fire = fireOf(t, matched, now);
    if ('error' in fire) {
      state.skipped++;
      state.lastError = fire.error;
    } else if (fire.skip) state.skipped++;
    else {
      state.fired++;
      fires.push(fire.fire);
    }
  }
  return { state, fires };
}

function joinOf(t: CompiledSignalTrigger, s: SignalInstance): string | undefined {
  const keys = t.joinKeys[s.name] ?? [];
  const values: string[] = [];
  for (const k of keys) {
    if (!Object.hasOwn(s.params, k)) return undefined;
    values.push(encodeValue(s.params[k]!));
  }
  return JSON.stringify(values);
}

function fireOf(
  t: CompiledSignalTrigger,
  matched: SignalInstance[],
  now: number,
): { fire: TriggerFire; skip?: false } | { skip: true } | { error: string } {
  const host = signalHost(matched, now);
  if (t.condition !== undefined) {
    const ok = evalCondition(t.condition, host);
    if (typeof ok === 'string') return { error: ok };
    if (!ok) return { skip: true };
  }
  let requestId: string;
  if (t.dedupExpr !== undefined) {
    const d = evalDedup(t.dedupExpr, host);
    if ('error' in d) return { error: d.error };
    // Per workflow, not per trigger: the same dedup key from two triggers is one run.
    requestId = `dedup:${digest(d.key)}`;
  } else {
    requestId = `signal:${t.triggerId}:${digest(matched.map((m) => signalId(m.name, m.seq)).join('+'))}`;
  }
  let runParams: Record<string, RunParamValue> = {};
  if (t.params) {
    const p = evalParams(t.params, matched, now);
    if ('error' in p) return { error: p.error };
    runParams = p.params;
  }
  return {
    fire: {
      requestId,
      signals: matched.map((m) => ({ name: m.name, seq: m.seq, params: encodeParams(m.params) })),
      runParams,
    },
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

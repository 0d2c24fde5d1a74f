import type { ParamMap } from '@baton/model';
import { interpolate } from '@baton/sel';
import type { PublishSignalsAction } from './actions';
import type { Draft } from './draft';
import type { SignalsPublishedEvent } from './events';
import type { JsonObject, JsonValue } from './json';
import { ParamEvaluator } from './param-eval';
import { edgeEvaluator } from './scopes';

/** The output key under which user code lists signals to publish (`baton_signals` in its output file). */
export const DYNAMIC_SIGNALS_KEY = 'baton_signals';

type OutSignal = PublishSignalsAction['signals'][number];

/**
 * A succeeded step's signal outputs: its definition's `signal_outputs` (name interpolated, params and
 * payload evaluated in the step's scope, its outputs included) and the ones its code listed in
 * `baton_signals`. Each gets a request id from the attempt key, so a repeated publish (a decision
 * applied again) publishes once. Returns an error message when an output does not evaluate.
 */
export function emitSignalOutputs(d: Draft, i: number): string | undefined {
  const def = d.def(i);
  const s = d.get(i);
  const dynamic = s.dynamicSignals ?? [];
  if (!def.signalOutputs?.length && dynamic.length === 0) return undefined;
  const attemptKey = s.attempts.at(-1)?.key ?? `${d.snap.key}:${s.id}:${s.attempt}`;
  const signals: OutSignal[] = [];
  try {
    const scope = edgeEvaluator(d, i);
    const lookup = (n: string) => scope.host.get(n) as never;
    for (const out of def.signalOutputs ?? []) {
      const name = out.name.includes('$') ? interpolate(out.name, lookup) : out.name;
      signals.push({
        name,
        params: typedParams(d, i, out.params ?? {}),
        payload: evaluated(d, i, out.payload ?? {}),
        requestId: `${attemptKey}:signal:${signals.length}`,
      });
    }
  } catch (e) {
    return `signal outputs: ${e instanceof Error ? e.message : String(e)}`;
  }
  for (const x of dynamic) signals.push({ ...x, requestId: `${attemptKey}:signal:${signals.length}` });
  const snap = d.snap;
  d.emit({
    type: 'publishSignals',
    key: `${attemptKey}:signals`,
    instanceKey: snap.key,
    workflowId: snap.workflowId,
    instanceId: snap.instanceId,
    runId: snap.runId,
    stepId: s.id,
    attemptKey,
    signals,
  });
  return undefined;
}

/**
 * Evaluates a map of param definitions (a signal output's params or payload) in the step's scope:
 * names resolve to the other definitions of the map, then to the step's outputs and params, then the
 * instance's. A definition may read the step value of its own name (`rows` = the step's `rows`).
 */
function evaluated(d: Draft, i: number, defs: ParamMap): JsonObject {
  if (Object.keys(defs).length === 0) return {};
  const h = edgeEvaluator(d, i).host;
  const ev = new ParamEvaluator(
    defs,
    {},
    {
      getFromStep: (s, n) => h.getFromStep?.(s, n) as JsonValue | undefined,
      getFromCurrentStep: (n) => h.getFromCurrentStep?.(n) as JsonValue | undefined,
      getFromInstance: (n) => h.getFromInstance?.(n) as JsonValue | undefined,
      getFromSubworkflow: (w, s, n) => h.getFromSubworkflow?.(w, s, n) as JsonValue | undefined,
      getFromForeach: (f, s, n) => h.getFromForeach?.(f, s, n) as JsonValue | undefined,
      getFromSignalDependency: (dep, n) => h.getFromSignalDependency?.(dep, n) as JsonValue | undefined,
      getFromSignal: (sig, n) => h.getFromSignal?.(sig, n) as JsonValue | undefined,
      getFromFirstSignal: (n) => h.getFromFirstSignal?.(n) as JsonValue | undefined,
      fallback: (n) => h.get(n) as JsonValue | undefined,
      now: d.now,
      nextUniqueId: () => d.nextUniqueId(),
    },
  );
  const out: JsonObject = {};
  for (const k of Object.keys(defs)) {
    Object.defineProperty(out, k, { value: ev.get(k), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function typedParams(d: Draft, i: number, defs: ParamMap): OutSignal['params'] {
  const values = evaluated(d, i, defs);
  const out: OutSignal['params'] = {};
  for (const [k, v] of Object.entries(values)) {
    const type = defs[k]!.type;
    if (type === 'LONG') {
      if (!(typeof v === 'number' && Number.isInteger(v)) && !(typeof v === 'string' && /^-?\d+$/.test(v)))
        throw new Error(`param '${k}' is not a LONG`);
      out[k] = { type: 'LONG', value: String(v) };
    } else out[k] = { type: 'STRING', value: typeof v === 'string' ? v : JSON.stringify(v) };
  }
  return out;
}

/**
 * `baton_signals` from a step's outputs: `[{"name": "...", "params": {"k": "v" | 12}, "payload": {...}}]`.
 * Returns the signals and the outputs without that key, or an error message.
 */
export function dynamicSignalsOf(
  outputs: JsonObject,
): { signals: OutSignal[]; outputs: JsonObject } | string {
  if (!Object.hasOwn(outputs, DYNAMIC_SIGNALS_KEY)) return { signals: [], outputs };
  const { [DYNAMIC_SIGNALS_KEY]: raw, ...rest } = outputs;
  const list = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw.signals : raw;
  if (!Array.isArray(list)) return `${DYNAMIC_SIGNALS_KEY} must be a list of signals`;
  if (list.length > 32) return `${DYNAMIC_SIGNALS_KEY}: at most 32 signals`;
  const signals: OutSignal[] = [];
  for (const [k, item] of list.entries()) {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || typeof item.name !== 'string')
      return `${DYNAMIC_SIGNALS_KEY}[${k}] needs a "name"`;
    const params: OutSignal['params'] = {};
    const p = item.params ?? {};
    if (p === null || typeof p !== 'object' || Array.isArray(p))
      return `${DYNAMIC_SIGNALS_KEY}[${k}].params must be an object`;
    for (const [name, v] of Object.entries(p)) {
      if (typeof v === 'string') params[name] = { type: 'STRING', value: v };
      else if (typeof v === 'number' && Number.isInteger(v))
        params[name] = { type: 'LONG', value: String(v) };
      else return `${DYNAMIC_SIGNALS_KEY}[${k}].params.${name} must be a string or a whole number`;
    }
    const payload = item.payload;
    signals.push({
      name: item.name,
      params,
      payload: payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {},
      requestId: '',
    });
  }
  return { signals, outputs: rest };
}

/** The signal service answered the publish: the step shows what it published. */
export function onSignalsPublished(d: Draft, ev: SignalsPublishedEvent): void {
  const i = d.idx(ev.stepId);
  if (i === undefined) return;
  const s = d.get(i);
  if (s.attempts.at(-1)?.key !== ev.attemptKey) return;
  d.mut(i).published = ev.signals;
}

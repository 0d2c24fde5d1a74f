import type { ParamValue } from '@baton/proto';
import { fromParamValue, paramTypeOf, toParamValue } from '@baton/sdk';
import type { JsonObject, JsonValue, RunParamMap } from '../domain';

/** Run params from the API: typed ParamValues become run params with their type. */
export function toRunParams(map: Record<string, ParamValue>): RunParamMap | undefined {
  const entries = Object.entries(map);
  if (entries.length === 0) return undefined;
  const out: RunParamMap = {};
  for (const [name, pv] of entries) {
    const v = fromParamValue(pv, { longs: 'auto' });
    out[name] = { value: (typeof v === 'bigint' ? v.toString() : v) as JsonValue, type: paramTypeOf(pv) };
  }
  return out;
}

/** JSON values (snapshot params, outputs) as API ParamValues; a value that has no type is shown as a string. */
export function toApiParams(obj: JsonObject | undefined): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(obj ?? {})) {
    try {
      out[k] = toParamValue(v);
    } catch {
      out[k] = { kind: { $case: 'stringValue', value: JSON.stringify(v) } };
    }
  }
  return out;
}

/** Outputs reported by step-runtime, as JSON values for decide. */
export function fromApiParams(map: Record<string, ParamValue>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, pv] of Object.entries(map)) {
    const v = fromParamValue(pv, { longs: 'auto' });
    out[k] = (typeof v === 'bigint' ? v.toString() : v) as JsonValue;
  }
  return out;
}

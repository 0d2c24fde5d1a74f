import { BatonError, type FieldViolation } from '@baton/kit';
import type { ParamValue } from '@baton/proto';
import { fromParamValue, paramTypeOf, toParamValue } from '@baton/sdk';
import type { JsonObject, JsonValue, RunParamMap } from '../domain';

/**
 * Limits on the run params of one StartWorkflow or RestartInstance (docs/deploy.md, "Limits").
 * Run params are copied into the instance, its decisions and every step's params, and SEL reads
 * them: a value SEL cannot hold (strings over 1 MiB) or that nests deeper than any definition
 * would, is refused at the door instead of failing the run later.
 */
export const MAX_RUN_PARAMS_BYTES = 1_048_576;
export const MAX_RUN_PARAM_DEPTH = 16;

/** Run params from the API: typed ParamValues become run params with their type. */
export function toRunParams(map: Record<string, ParamValue>): RunParamMap | undefined {
  const entries = Object.entries(map);
  if (entries.length === 0) return undefined;
  const out: RunParamMap = {};
  const violations: FieldViolation[] = [];
  let bytes = 0;
  for (const [name, pv] of entries) {
    const field = `run_params.${name}`;
    if (!pv?.kind) {
      violations.push({ field, description: 'the ParamValue carries no value (set one of its kinds)' });
      continue;
    }
    let v: unknown;
    try {
      v = fromParamValue(pv, { longs: 'auto' });
    } catch (err) {
      violations.push({ field, description: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (typeof v === 'bigint') v = v.toString();
    if (depthOf(v) > MAX_RUN_PARAM_DEPTH) {
      violations.push({ field, description: `nests deeper than ${MAX_RUN_PARAM_DEPTH} levels` });
      continue;
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(JSON.stringify(v) ?? '');
    out[name] = { value: v as JsonValue, type: paramTypeOf(pv) };
  }
  if (bytes > MAX_RUN_PARAMS_BYTES) {
    violations.push({
      field: 'run_params',
      description: `${bytes} bytes as JSON; at most ${MAX_RUN_PARAMS_BYTES} in total`,
    });
  }
  if (violations.length) throw BatonError.invalid('invalid run_params', violations);
  return out;
}

/** Nesting depth of a JSON-like value, without recursion (the value may be hostile). */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > MAX_RUN_PARAM_DEPTH) return max;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
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

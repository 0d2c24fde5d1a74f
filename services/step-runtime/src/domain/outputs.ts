import type { ParamValue } from '@baton/proto';
import { toParamValue } from '@baton/sdk';

export type ConvertedOutputs =
  | { ok: true; outputs: Record<string, ParamValue>; dropped: string[] }
  | { ok: false; error: string };

/**
 * Output params (the JSON object user code wrote) as ParamValues, typed by inference: string →
 * STRING, integer → LONG, other number → DOUBLE, boolean → BOOLEAN, arrays of one scalar type →
 * *_ARRAY, objects → STRING_MAP (all values strings) or MAP. `null` values cannot travel as a
 * ParamValue and are dropped (listed in `dropped`); a value that has no ParamValue form (an array
 * mixing types, of objects…) fails the conversion with the key named — the attempt then fails
 * USER_FAILED, since the script wrote something the engine cannot use.
 */
export function convertOutputs(outputs: Record<string, unknown>): ConvertedOutputs {
  const out: Record<string, ParamValue> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(outputs)) {
    if (value === null || value === undefined) {
      dropped.push(key);
      continue;
    }
    try {
      out[key] = toParamValue(value, undefined, key);
    } catch (err) {
      return { ok: false, error: `output param ${(err as Error).message}` };
    }
  }
  return { ok: true, outputs: out, dropped };
}

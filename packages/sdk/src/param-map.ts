import type { ParamValue } from '@baton/proto';
import {
  type FromParamValueOptions,
  fromParamValue,
  type ParamJsValue,
  type ParamType,
  toParamValue,
} from './param-value';

/**
 * A `map<string, ParamValue>` (run params, signal params) from plain values.
 * `types` names the Maestro type of any entry that inference would get wrong
 * (e.g. `{ ratio: 'DOUBLE' }` for `ratio: 1`). Errors name the offending key.
 */
export function toParamMap(
  values: Record<string, unknown>,
  types: Record<string, ParamType | string> = {},
): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(values)) out[name] = toParamValue(value, types[name], name);
  return out;
}

/** Plain values of a `map<string, ParamValue>`. */
export function fromParamMap(
  params: Record<string, ParamValue>,
  options: FromParamValueOptions = {},
): Record<string, ParamJsValue> {
  const out: Record<string, ParamJsValue> = {};
  for (const [name, pv] of Object.entries(params)) out[name] = fromParamValue(pv, options);
  return out;
}

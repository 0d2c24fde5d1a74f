import type { ParamValue } from '@baton/proto';
import { BatonClientError, toParamValue } from '@baton/sdk';
import { CliUsageError } from '../cli-errors';

// Run parameters from the command line: `--param name=value` (a scalar whose type is
// read from the text) and `--param-json name=<json>` (arrays and maps). Both accept
// `name:TYPE=...` to name the Maestro type instead of letting it be inferred.

/** The types `--param name:TYPE=value` may name. */
export const SCALAR_TYPES = ['STRING', 'LONG', 'DOUBLE', 'BOOLEAN'];
const ALL_TYPES = [
  ...SCALAR_TYPES,
  'STRING_ARRAY',
  'LONG_ARRAY',
  'DOUBLE_ARRAY',
  'BOOLEAN_ARRAY',
  'STRING_MAP',
  'MAP',
];

const INTEGER = /^[-+]?(0|[1-9]\d*)$/;
/** A point or an exponent (or both): `0.5`, `.5`, `1.`, `1e3`, `-2.5E-3`. */
const DECIMAL = /^[-+]?((\d+\.\d*|\.\d+)([eE][-+]?\d+)?|\d+[eE][-+]?\d+)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The type `--param name=value` gives a value, read from its text:
 * - `true` / `false` (any case) → BOOLEAN;
 * - an integer without leading zeros (`0`, `42`, `-7`) → LONG (it must fit in 64 bits);
 * - a decimal number with a point or an exponent (`0.5`, `-1.25`, `1e3`) → DOUBLE;
 * - anything else → STRING, including `007`, `1_000`, `NaN` and the empty text.
 * `name:STRING=42` (or `:LONG`, `:DOUBLE`, `:BOOLEAN`) overrides the inference.
 */
export function inferScalarType(text: string): 'BOOLEAN' | 'LONG' | 'DOUBLE' | 'STRING' {
  if (/^(true|false)$/i.test(text)) return 'BOOLEAN';
  if (INTEGER.test(text)) return 'LONG';
  if (DECIMAL.test(text)) return 'DOUBLE';
  return 'STRING';
}

export interface ParamArg {
  name: string;
  type?: string;
  text: string;
}

/**
 * The `name` or `name:TYPE` before a value; undefined when the name is empty or holds blanks.
 * A type outside `allowedTypes` is a usage error naming the param.
 */
export function splitNameAndType(
  head: string,
  flag: string,
  allowedTypes: readonly string[],
): { name: string; type?: string } | undefined {
  const colon = head.lastIndexOf(':');
  const name = (colon === -1 ? head : head.slice(0, colon)).trim();
  if (name === '' || /\s/.test(name)) return undefined;
  if (colon === -1) return { name };
  const type = head
    .slice(colon + 1)
    .trim()
    .toUpperCase();
  if (!allowedTypes.includes(type)) {
    throw new CliUsageError(
      `${flag} ${name}: unknown type "${head.slice(colon + 1)}" (${allowedTypes.join(', ')})`,
    );
  }
  return { name, type };
}

/** `name=value` or `name:TYPE=value`; the value may itself contain `=`. */
export function splitParamArg(arg: string, flag: string, allowedTypes: readonly string[]): ParamArg {
  const eq = arg.indexOf('=');
  const head = eq === -1 ? undefined : splitNameAndType(arg.slice(0, eq), flag, allowedTypes);
  if (head === undefined) {
    throw new CliUsageError(`${flag}: expected name=value (or name:TYPE=value), got "${arg}"`);
  }
  return { ...head, text: arg.slice(eq + 1) };
}

/** A ParamValue, with the SDK's conversion errors turned into usage errors naming the flag. */
function convert(flag: string, name: string, value: unknown, type: string | undefined): ParamValue {
  try {
    return toParamValue(value, type, name);
  } catch (err) {
    if (err instanceof BatonClientError) throw new CliUsageError(`${flag} ${err.message}`);
    throw err;
  }
}

/**
 * A scalar's text as a ParamValue: of `type` when the user named one, else of the type
 * read from the text (an inferred LONG must fit in 64 bits). Errors name `flag` and `name`.
 */
export function scalarParamValue(
  flag: string,
  name: string,
  type: string | undefined,
  text: string,
  otherTypes = `${name}:STRING=… or ${name}:DOUBLE=…`,
): ParamValue {
  const t = type ?? inferScalarType(text);
  if (t === 'LONG' && type === undefined) {
    const n = BigInt(text);
    if (n < INT64_MIN || n > INT64_MAX) {
      throw new CliUsageError(
        `${flag} ${name}: ${text} does not fit in a LONG (64 bits); write ${otherTypes}`,
      );
    }
  }
  return convert(flag, name, t === 'BOOLEAN' ? text.toLowerCase() : text, t);
}

/** One `--param name[:TYPE]=value`. */
export function parseScalarParam(arg: string): [string, ParamValue] {
  const { name, type, text } = splitParamArg(arg, '--param', SCALAR_TYPES);
  return [name, scalarParamValue('--param', name, type, text)];
}

/** One `--param-json name[:TYPE]=<json>`: JSON types are inferred as the SDK's toParamValue does. */
export function parseJsonParam(arg: string): [string, ParamValue] {
  const { name, type, text } = splitParamArg(arg, '--param-json', ALL_TYPES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`--param-json ${name}: not JSON (${(err as Error).message})`);
  }
  if (value === null) throw new CliUsageError(`--param-json ${name}: null is not a parameter value`);
  return [name, convert('--param-json', name, value, type)];
}

/** Every `--param` and `--param-json` as a run-params map; a name given twice is an error. */
export function parseRunParams(
  scalars: readonly string[] = [],
  jsons: readonly string[] = [],
): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  const entries = [...scalars.map(parseScalarParam), ...jsons.map(parseJsonParam)];
  for (const [name, value] of entries) {
    if (Object.hasOwn(out, name)) throw new CliUsageError(`parameter ${name} is given twice`);
    out[name] = value;
  }
  return out;
}

/** Commander's collector for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

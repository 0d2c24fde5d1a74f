import type { ParamFilter, ParamValue } from '@baton/proto';
import { CliUsageError } from '../cli-errors';
import {
  inferScalarType,
  SCALAR_TYPES,
  scalarParamValue,
  splitNameAndType,
  splitParamArg,
} from './run-params';

// Signal params from the command line: `--param name=value` as for runs (the same type
// inference, the same `name:TYPE=value`), but a signal param is STRING or LONG only, because
// those are the types the signal service indexes and matches. `--where name OP value`
// filters on them.

const SIGNAL_TYPES = ['STRING', 'LONG'];
/** ListSignals' operators; the two-character ones are tried first. */
export const FILTER_OPERATORS = ['>=', '<=', '=', '>', '<'] as const;

/** The value of one signal param: a STRING or a LONG, anything else a usage error naming it. */
function signalValue(flag: string, name: string, type: string | undefined, text: string): ParamValue {
  const t = type ?? inferScalarType(text);
  if (!SIGNAL_TYPES.includes(t)) {
    const why = type === undefined ? `"${text}" reads as ${t}` : `${t} was named`;
    throw new CliUsageError(
      `${flag} ${name}: signal params are STRING or LONG, ${why}; write ${name}:STRING=${text}`,
    );
  }
  return scalarParamValue(flag, name, type, text, `${name}:STRING=${text}`);
}

/** Every `--param name[:STRING|LONG]=value` of a publish; a name given twice is an error. */
export function parseSignalParams(args: readonly string[] = []): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const arg of args) {
    const { name, type, text } = splitParamArg(arg, '--param', SCALAR_TYPES);
    if (Object.hasOwn(out, name)) throw new CliUsageError(`--param ${name} is given twice`);
    out[name] = signalValue('--param', name, type, text);
  }
  return out;
}

/**
 * One `--where name OP value` (`name:TYPE OP value` to name the type): the operator is the
 * first `=`, `<` or `>` in the text, with a following `=` making it `>=` or `<=`. A value
 * that starts with another operator character (`==`, `=>`, `<>`) is refused as a typo.
 */
export function parseWhere(arg: string): ParamFilter {
  const at = arg.search(/[<>=]/);
  const usage = () =>
    new CliUsageError(
      `--where: expected name OP value with OP one of ${FILTER_OPERATORS.join(' ')}, got "${arg}"`,
    );
  if (at === -1) throw usage();
  const operator = FILTER_OPERATORS.find((op) => arg.startsWith(op, at)) ?? '=';
  const text = arg.slice(at + operator.length);
  if (/^[<>=]/.test(text)) throw usage();
  const head = splitNameAndType(arg.slice(0, at), '--where', SCALAR_TYPES);
  if (head === undefined) throw usage();
  return { param: head.name, operator, value: signalValue('--where', head.name, head.type, text) };
}

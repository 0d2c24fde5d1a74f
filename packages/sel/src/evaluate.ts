import type { Program } from './ast';
import { defaultCache } from './cache';
import { EvalContext } from './context';
import { SelError } from './errors';
import { EMPTY_HOST, type ParamHost, type SelResult, toResult } from './host';
import { located, runProgram } from './interpreter';
import { type SelLimits, resolveLimits } from './limits';
import type { Value } from './values';

export interface EvalOptions extends Partial<SelLimits> {
  /** Clock for DateTime.now() & co; defaults to host.now, then Date.now. */
  now?: () => number;
}

/** Runs a parsed program and returns its internal value (used by evaluate and the tests). */
export function evaluateProgram(prog: Program, host: ParamHost, options?: EvalOptions): Value {
  const limits = resolveLimits(options);
  const now =
    options?.now ?? (typeof host.now === 'function' ? () => (host.now as () => number).call(host) : Date.now);
  const ctx = new EvalContext(host, limits, now);
  try {
    return runProgram(prog, ctx);
  } catch (err) {
    throw located(err, 0, 0);
  }
}

export function evaluateValue(source: string, host: ParamHost = EMPTY_HOST, options?: EvalOptions): Value {
  const limits = resolveLimits(options);
  const prog = defaultCache.get(source, limits.maxDepth, limits.maxSourceLength);
  return evaluateProgram(prog, host, options);
}

/**
 * Evaluates SEL source against a host. Result: int and double -> number, long -> bigint,
 * String -> string, arrays -> arrays, Map -> plain object, dates/zones -> their Java string.
 */
export function evaluate(source: string, host: ParamHost = EMPTY_HOST, options?: EvalOptions): SelResult {
  const v = evaluateValue(source, host, options);
  try {
    return toResult(v);
  } catch (err) {
    if (err instanceof SelError) throw err;
    throw located(err, 0, 0);
  }
}

/**
 * @baton/sel — Maestro's SEL (a safe subset of Java) for Baton: parser, static validator and
 * interpreter with hard limits. See README.md for a walkthrough and the limits table.
 *
 *   parse(source): Program                         syntax tree; throws SelError('SYNTAX' | 'LIMIT_*')
 *   validate(source, { knownParams? }): { ok, errors: [{ message, line, column }] }
 *   evaluate(source, host?, options?): SelResult   int/double -> number, long -> bigint, String ->
 *                                                  string, arrays -> arrays, Map -> object
 *   evaluateAs(source, type, host?, options?)      evaluate + toParamType
 *   toParamType(value, 'STRING' | 'LONG' | ...)    Maestro param types; SelError('CONVERSION')
 *   interpolate(text, lookup) / interpolateValue(value, lookup) / validateInterpolation(text)
 *                                                  `$name`, `${name}`, `$$` escape
 *   createParamHost({ params, steps, signals, ... }): ParamHost over plain data
 *   SelError { code, line, column, detail }        the only error type thrown
 *   DEFAULT_LIMITS / SelLimits                     per-evaluation limits, overridable in options
 *
 * Parsed programs are cached by source text in a bounded LRU (1,000 entries). Every evaluation
 * gets fresh state; nothing a script does is visible to another evaluation or to the host.
 */
import type { Program } from './ast';
import { type EvalOptions, evaluate } from './evaluate';
import type { ParamHost } from './host';
import { DEFAULT_LIMITS } from './limits';
import { type ParamType, type ParamValue, toParamType } from './param-types';
import { parseProgram } from './parser';

export type { Expr, Program, Stmt, TypeRef } from './ast';
export { defaultCache, ProgramCache } from './cache';
export { SelError, type SelErrorCode, isLimitCode } from './errors';
export { evaluate, type EvalOptions } from './evaluate';
export { EMPTY_HOST, type HostValue, type ParamHost, type SelResult, STEP_SPECIAL_FIELDS } from './host';
export { DEFAULT_LIMITS, resolveLimits, type SelLimits } from './limits';
export {
  interpolate,
  interpolateValue,
  type InterpolationCheck,
  type InterpolationPart,
  scanInterpolation,
  type InterpolationValue,
  validateInterpolation,
} from './interpolation';
export { PARAM_TYPES, type ParamType, type ParamValue, toParamType } from './param-types';
export { createParamHost, type ParamHostData } from './simple-host';
export { validate, type ValidateOptions, type ValidationError, type ValidationResult } from './validator';

/** Parses SEL source (not cached); throws SelError with line and column on bad syntax. */
export function parse(
  source: string,
  options: { maxDepth?: number; maxSourceLength?: number } = {},
): Program {
  return parseProgram(source, {
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxSourceLength: options.maxSourceLength ?? DEFAULT_LIMITS.maxSourceLength,
  });
}

/** Evaluates and converts the result to a Maestro param type in one call. */
export function evaluateAs(
  source: string,
  type: ParamType | string,
  host?: ParamHost,
  options?: EvalOptions,
): ParamValue {
  return toParamType(evaluate(source, host, options), type);
}

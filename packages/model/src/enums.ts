import { type Ctx, report } from './violations';

/** Parameter types (Maestro's ParamType). */
export const PARAM_TYPES = [
  'STRING',
  'LONG',
  'DOUBLE',
  'BOOLEAN',
  'MAP',
  'STRING_MAP',
  'STRING_ARRAY',
  'LONG_ARRAY',
  'DOUBLE_ARRAY',
  'BOOLEAN_ARRAY',
] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** Parameter modes (Maestro's ParamMode); unset means MUTABLE. */
export const PARAM_MODES = [
  'CONSTANT',
  'IMMUTABLE',
  'MUTABLE',
  'MUTABLE_ON_START',
  'MUTABLE_ON_START_RESTART',
] as const;
export type ParamMode = (typeof PARAM_MODES)[number];

/**
 * Typed step types, upper-cased. NOOP, SLEEP, JOIN are Maestro's built-ins; TITUS is accepted for
 * Maestro compatibility; the rest are Baton's runtime types (docs/architecture.md).
 */
export const STEP_TYPES = [
  'NOOP',
  'SLEEP',
  'JOIN',
  'TITUS',
  'NOTEBOOK',
  'KUBERNETES',
  'SHELL',
  'PYTHON',
  'SQL',
  'HTTP',
  'DOCKER',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const FAILURE_MODES = ['FAIL_IMMEDIATELY', 'FAIL_AFTER_RUNNING', 'IGNORE_FAILURE'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export const CRITICALITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** Run strategy rules (Maestro's RunStrategy.Rule, including the newer SERIAL_LATEST_ONLY). */
export const RUN_STRATEGY_RULES = [
  'SEQUENTIAL',
  'STRICT_SEQUENTIAL',
  'FIRST_ONLY',
  'LAST_ONLY',
  'SERIAL_LATEST_ONLY',
  'PARALLEL',
] as const;
export type RunStrategyRule = (typeof RUN_STRATEGY_RULES)[number];

export const TAG_NAMESPACES = [
  'SYSTEM',
  'RUNTIME',
  'JOB_TEMPLATE',
  'NOTEBOOK_TEMPLATE',
  'USER_DEFINED',
  'PLATFORM',
] as const;
export type TagNamespace = (typeof TAG_NAMESPACES)[number];

export const BACKOFF_TYPES = ['FIXED_BACKOFF', 'EXPONENTIAL_BACKOFF'] as const;
export type BackoffType = (typeof BACKOFF_TYPES)[number];

export const TIME_TRIGGER_TYPES = ['CRON', 'INTERVAL', 'PREDEFINED'] as const;
export type TimeTriggerType = (typeof TIME_TRIGGER_TYPES)[number];

/** Signal match operators, written as symbols in JSON exactly as Maestro does. */
export const SIGNAL_OPERATORS = ['=', '>', '>=', '<', '<='] as const;
export type SignalOperator = (typeof SIGNAL_OPERATORS)[number];

/**
 * Reads a case-insensitive enum value (Maestro upper-cases with Locale.US before valueOf). Returns
 * the canonical upper-case member, or undefined after reporting.
 */
export function parseEnum<T extends string>(
  ctx: Ctx,
  path: string,
  value: unknown,
  members: readonly T[],
  label: string,
  aliases: Readonly<Record<string, T>> = {},
): T | undefined {
  if (typeof value !== 'string') {
    report(ctx, path, `${label} must be a string, one of ${members.join(', ')}`);
    return undefined;
  }
  const upper = value.toUpperCase();
  const found = members.find((m) => m === upper) ?? aliases[upper];
  if (found === undefined) {
    report(ctx, path, `unknown ${label} '${value}'; expected one of ${members.join(', ')}`);
  }
  return found;
}

import { BACKOFF_TYPES, type BackoffType, parseEnum } from './enums';
import { parseParsableLong } from './duration';
import { keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import { type JsonObject, asObject, rejectUnknownKeys } from './reader';
import { type Ctx, report } from './violations';

/** A number, or the raw text of a param reference resolved at run time (`"${retries}"`). */
export type ParsableNumber = number | string;

/** Retry limits per error class, with an optional backoff (Maestro's RetryPolicy). */
export interface RetryPolicy {
  errorRetryLimit?: ParsableNumber;
  platformRetryLimit?: ParsableNumber;
  timeoutRetryLimit?: ParsableNumber;
  backoff?: Backoff;
}

/** Backoff between retries; the fields present depend on the type (FIXED or EXPONENTIAL). */
export interface Backoff {
  type: BackoffType;
  errorRetryBackoffInSecs?: ParsableNumber;
  platformRetryBackoffInSecs?: ParsableNumber;
  timeoutRetryBackoffInSecs?: ParsableNumber;
  errorRetryExponent?: ParsableNumber;
  errorRetryLimitInSecs?: ParsableNumber;
  platformRetryExponent?: ParsableNumber;
  platformRetryLimitInSecs?: ParsableNumber;
  timeoutRetryExponent?: ParsableNumber;
  timeoutRetryLimitInSecs?: ParsableNumber;
}

const POLICY_FIELDS = {
  error_retry_limit: 'errorRetryLimit',
  platform_retry_limit: 'platformRetryLimit',
  timeout_retry_limit: 'timeoutRetryLimit',
} as const;

const FIXED_FIELDS = {
  error_retry_backoff_in_secs: 'errorRetryBackoffInSecs',
  platform_retry_backoff_in_secs: 'platformRetryBackoffInSecs',
  timeout_retry_backoff_in_secs: 'timeoutRetryBackoffInSecs',
} as const;

const EXPONENTIAL_FIELDS = {
  ...FIXED_FIELDS,
  error_retry_exponent: 'errorRetryExponent',
  error_retry_limit_in_secs: 'errorRetryLimitInSecs',
  platform_retry_exponent: 'platformRetryExponent',
  platform_retry_limit_in_secs: 'platformRetryLimitInSecs',
  timeout_retry_exponent: 'timeoutRetryExponent',
  timeout_retry_limit_in_secs: 'timeoutRetryLimitInSecs',
} as const;

const POLICY_KEYS = new Set([...Object.keys(POLICY_FIELDS), 'backoff']);
const FIXED_KEYS = new Set([...Object.keys(FIXED_FIELDS), 'type']);
const EXPONENTIAL_KEYS = new Set([...Object.keys(EXPONENTIAL_FIELDS), 'type']);

// "FIXED"/"EXPONENTIAL" are accepted as short forms of Maestro's type names.
const BACKOFF_ALIASES: Record<string, BackoffType> = {
  FIXED: 'FIXED_BACKOFF',
  EXPONENTIAL: 'EXPONENTIAL_BACKOFF',
};

export function parseRetryPolicy(ctx: Ctx, path: string, v: unknown): RetryPolicy | undefined {
  const obj = asObject(ctx, path, v);
  if (!obj) return undefined;
  rejectUnknownKeys(ctx, path, obj, POLICY_KEYS);
  const policy: RetryPolicy = {};
  readNumbers(ctx, path, obj, POLICY_FIELDS, policy, DEFINITION_LIMITS.maxRetryLimit);
  if (obj.backoff !== undefined && obj.backoff !== null) {
    const backoff = parseBackoff(ctx, keyPath(path, 'backoff'), obj.backoff);
    if (backoff) policy.backoff = backoff;
  }
  return policy;
}

function parseBackoff(ctx: Ctx, path: string, v: unknown): Backoff | undefined {
  const obj = asObject(ctx, path, v);
  if (!obj) return undefined;
  if (obj.type === undefined || obj.type === null) {
    report(ctx, keyPath(path, 'type'), 'backoff type is required: FIXED_BACKOFF or EXPONENTIAL_BACKOFF');
    return undefined;
  }
  const type = parseEnum(
    ctx,
    keyPath(path, 'type'),
    obj.type,
    BACKOFF_TYPES,
    'backoff type',
    BACKOFF_ALIASES,
  );
  if (!type) return undefined;
  const fixed = type === 'FIXED_BACKOFF';
  rejectUnknownKeys(ctx, path, obj, fixed ? FIXED_KEYS : EXPONENTIAL_KEYS);
  const backoff: Backoff = { type };
  const maxSecs = DEFINITION_LIMITS.maxRetryBackoffSeconds;
  readNumbers(ctx, path, obj, fixed ? FIXED_FIELDS : EXPONENTIAL_FIELDS, backoff, maxSecs, true);
  return backoff;
}

function readNumbers<K extends string, T extends object>(
  ctx: Ctx,
  path: string,
  obj: JsonObject,
  fields: Readonly<Record<string, K>>,
  into: T,
  max: number,
  exponentsUnbounded = false,
): void {
  for (const [json, field] of Object.entries(fields)) {
    const raw = obj[json];
    if (raw === undefined || raw === null) continue;
    const limit = exponentsUnbounded && json.endsWith('_exponent') ? 2 ** 31 - 1 : max;
    const value = parseParsableLong(ctx, keyPath(path, json), raw, limit);
    if (value !== undefined) (into as Record<string, unknown>)[field] = value;
  }
}

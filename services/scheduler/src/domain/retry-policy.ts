import type { Backoff, ParsableNumber, RetryPolicy } from '@baton/model';
import { interpolate } from '@baton/sel';
import type { EngineConfig } from './context';
import type { JsonValue } from './json';
import type { RetryKind } from './statuses';

/** A retry policy with every number resolved (param references interpolated). */
export interface ResolvedRetryPolicy {
  limits: Record<RetryKind, number>;
  backoff: {
    type: 'FIXED_BACKOFF' | 'EXPONENTIAL_BACKOFF';
    base: Record<RetryKind, number>;
    exponent: Record<RetryKind, number>;
    cap: Record<RetryKind, number>;
  };
}

type Lookup = (name: string) => JsonValue | undefined;

function num(v: ParsableNumber | undefined, fallback: number, lookup: Lookup, what: string): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const text = interpolate(v, lookup).trim();
  if (!/^\d+$/.test(text)) throw new Error(`${what} '${v}' resolved to '${text}', not a whole number`);
  return Number(text);
}

/**
 * Resolves a step's retry policy over the engine defaults, field by field (a step that sets only
 * `error_retry_limit` keeps the default platform and timeout limits). A backoff given without some
 * fields takes the default's numbers for them. Throws when a `${param}` does not resolve to a number.
 */
export function resolveRetryPolicy(
  policy: RetryPolicy | undefined,
  config: EngineConfig,
  lookup: Lookup,
): ResolvedRetryPolicy {
  const def = config.defaultRetryPolicy;
  const b: Backoff = policy?.backoff ?? def.backoff;
  const db = def.backoff;
  const n = (v: ParsableNumber | undefined, dv: ParsableNumber | undefined, fb: number, what: string) =>
    num(v, num(dv, fb, lookup, what), lookup, what);
  return {
    limits: {
      user: n(policy?.errorRetryLimit, def.errorRetryLimit, 2, 'error_retry_limit'),
      platform: n(policy?.platformRetryLimit, def.platformRetryLimit, 10, 'platform_retry_limit'),
      timeout: n(policy?.timeoutRetryLimit, def.timeoutRetryLimit, 0, 'timeout_retry_limit'),
    },
    backoff: {
      type: b.type,
      base: {
        user: n(b.errorRetryBackoffInSecs, db.errorRetryBackoffInSecs, 60, 'error_retry_backoff_in_secs'),
        platform: n(
          b.platformRetryBackoffInSecs,
          db.platformRetryBackoffInSecs,
          60,
          'platform_retry_backoff_in_secs',
        ),
        timeout: n(
          b.timeoutRetryBackoffInSecs,
          db.timeoutRetryBackoffInSecs,
          60,
          'timeout_retry_backoff_in_secs',
        ),
      },
      exponent: {
        user: n(b.errorRetryExponent, db.errorRetryExponent, 2, 'error_retry_exponent'),
        platform: n(b.platformRetryExponent, db.platformRetryExponent, 2, 'platform_retry_exponent'),
        timeout: n(b.timeoutRetryExponent, db.timeoutRetryExponent, 2, 'timeout_retry_exponent'),
      },
      cap: {
        user: n(b.errorRetryLimitInSecs, db.errorRetryLimitInSecs, 600, 'error_retry_limit_in_secs'),
        platform: n(
          b.platformRetryLimitInSecs,
          db.platformRetryLimitInSecs,
          3600,
          'platform_retry_limit_in_secs',
        ),
        timeout: n(
          b.timeoutRetryLimitInSecs,
          db.timeoutRetryLimitInSecs,
          3600,
          'timeout_retry_limit_in_secs',
        ),
      },
    },
  };
}

/**
 * Seconds to wait before retry number `retry` (1 = the first retry) of `kind`, as Maestro computes
 * it: FIXED → base; EXPONENTIAL → min(base × exponent^(retry−1), cap).
 */
export function backoffSeconds(policy: ResolvedRetryPolicy, kind: RetryKind, retry: number): number {
  const b = policy.backoff;
  if (b.type === 'FIXED_BACKOFF') return b.base[kind];
  const raw = b.base[kind] * b.exponent[kind] ** Math.max(0, retry - 1);
  return Math.min(raw, b.cap[kind]);
}

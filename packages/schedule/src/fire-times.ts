import { cronFiresAfter } from './cron-fires';
import { intervalFiresAfter } from './interval-fires';
import type { Schedule } from './schedule';

/**
 * The most fire times one call returns, whatever `count` or `cap` asks for: a per-second cron
 * over a year would otherwise build a 31-million-entry array.
 */
export const MAX_FIRES_PER_CALL = 100_000;

/** The time zone the schedule reads its fields in ('UTC' when none was given; INTERVAL: 'UTC'). */
export function scheduleTimezone(s: Schedule): string {
  return s.kind === 'cron' ? s.timezone : 'UTC';
}

/**
 * The first `count` fire times strictly after `afterMs` (epoch ms), ascending. Fuzzy delay NOT
 * applied. Fewer when the schedule stops firing (a year field in the past, 30 February).
 */
export function nextFireTimes(s: Schedule, afterMs: number, count: number): number[] {
  const out: number[] = [];
  const limit = Math.min(count, MAX_FIRES_PER_CALL);
  if (!(limit >= 1) || !Number.isFinite(afterMs)) return out;
  for (const t of firesAfter(s, afterMs)) {
    out.push(t);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Fire times t with fromExclusiveMs < t <= toInclusiveMs, ascending, at most `cap` of them (the
 * earliest ones); `truncated` says whether more existed.
 */
export function fireTimesBetween(
  s: Schedule,
  fromExclusiveMs: number,
  toInclusiveMs: number,
  cap: number,
): { times: number[]; truncated: boolean } {
  const times: number[] = [];
  const limit = Math.max(0, Math.min(cap, MAX_FIRES_PER_CALL));
  if (!Number.isFinite(fromExclusiveMs) || !(toInclusiveMs > fromExclusiveMs))
    return { times, truncated: false };
  for (const t of firesAfter(s, fromExclusiveMs)) {
    if (t > toInclusiveMs) break;
    if (times.length >= limit) return { times, truncated: true };
    times.push(t);
  }
  return { times, truncated: false };
}

function firesAfter(s: Schedule, afterMs: number): Generator<number> {
  return s.kind === 'cron' ? cronFiresAfter(s, afterMs) : intervalFiresAfter(s, afterMs);
}

import { parseDurationText } from '@baton/schedule';
import { DEFINITION_LIMITS } from './limits';
import { type Ctx, checkInterpolation, report } from './violations';

/**
 * A timeout or delay: whole seconds when literal, or the raw text when it references a param
 * (`"${p}s"`, `"$hours h"`), which the scheduler resolves when the instance starts.
 */
export type Duration = number | string;

// The grammar ("20 minutes", "1d 3h") is shared with INTERVAL triggers, so it lives in @baton/schedule.
export { parseDurationText };

/**
 * Reads a timeout-like value (Maestro's Duration/ParsableLong for timeouts): a number of seconds or
 * a duration string; strings with `$` are kept as text. Literal values must be positive and within
 * the system limit.
 */
export function parseDuration(ctx: Ctx, path: string, v: unknown): Duration | undefined {
  const max = DEFINITION_LIMITS.maxTimeoutSeconds;
  let seconds: number | undefined;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) {
      report(ctx, path, `must be a whole number of seconds, got ${v}`);
      return undefined;
    }
    seconds = v;
  } else if (typeof v === 'string') {
    if (v.includes('$')) {
      checkInterpolation(ctx, path, v);
      return v;
    }
    seconds = parseDurationText(v);
    if (seconds === undefined) {
      report(ctx, path, `'${v}' is not a duration; use seconds or text such as "20 minutes", "2h", "1d 3h"`);
      return undefined;
    }
  } else {
    report(ctx, path, 'must be a number of seconds or a duration string');
    return undefined;
  }
  if (seconds <= 0 || seconds > max) {
    report(ctx, path, `must be positive and at most ${max} seconds (120 days), got ${seconds}`);
    return undefined;
  }
  return seconds;
}

/**
 * Reads a non-negative integer that may instead be a param reference (Maestro's ParsableLong, as in
 * retry limits: `3`, `"3"` or `"${retries}"`).
 */
export function parseParsableLong(
  ctx: Ctx,
  path: string,
  v: unknown,
  max: number,
): number | string | undefined {
  if (typeof v === 'string') {
    if (v.includes('$')) {
      checkInterpolation(ctx, path, v);
      return v;
    }
    if (!/^\s*\d+\s*$/.test(v)) {
      report(ctx, path, `'${v}' is not a whole number or a param reference`);
      return undefined;
    }
    v = Number(v);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    report(ctx, path, 'must be a whole number or a string referencing a param');
    return undefined;
  }
  if (v < 0 || v > max) {
    report(ctx, path, `must be between 0 and ${max}, got ${v}`);
    return undefined;
  }
  return v;
}

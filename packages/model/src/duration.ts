import { DEFINITION_LIMITS } from './limits';
import { type Ctx, checkInterpolation, report } from './violations';

/**
 * A timeout or delay: whole seconds when literal, or the raw text when it references a param
 * (`"${p}s"`, `"$hours h"`), which the scheduler resolves when the instance starts.
 */
export type Duration = number | string;

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  d: 86_400,
  day: 86_400,
  days: 86_400,
  h: 3_600,
  hr: 3_600,
  hrs: 3_600,
  hour: 3_600,
  hours: 3_600,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  ms: 0.001,
  millisecond: 0.001,
  milliseconds: 0.001,
};

const TERM = /(\d+)\s*([a-z]+)/y;

/**
 * Parses a duration text such as "20 minutes", "2h", "1d 3h" or "90" (seconds) into whole seconds
 * (rounded up). Returns undefined when the text is not a duration. The unit words are Maestro's
 * (its Scala-style duration regex) plus "m"/"hr".
 */
export function parseDurationText(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s);
  let total = 0;
  let pos = 0;
  let terms = 0;
  while (pos < s.length) {
    while (s[pos] === ' ' || s[pos] === ',') pos++;
    if (pos >= s.length) break;
    TERM.lastIndex = pos;
    const m = TERM.exec(s);
    if (!m) return undefined;
    const unit = UNIT_SECONDS[m[2]!];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    pos = TERM.lastIndex;
    terms++;
  }
  return terms === 0 ? undefined : Math.ceil(total);
}

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

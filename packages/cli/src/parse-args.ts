import { CliUsageError } from './cli-errors';

/** `500ms`, `10s`, `2m`, or a bare number of seconds, as milliseconds. */
export function parseDuration(text: string, flag = '--timeout'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  const ms = m ? Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 }[m[2] ?? 's'] ?? 1000) : Number.NaN;
  if (!(ms > 0))
    throw new CliUsageError(`${flag}: expected a duration such as 500ms, 10s or 2m, got "${text}"`);
  return ms;
}

export function parsePositiveInt(text: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= max))
    throw new CliUsageError(`${flag}: expected a whole number from 1 to ${max}, got "${text}"`);
  return n;
}

/** A version selector as the definition service takes it: latest, active, default or a number. */
export function parseVersionSelector(text: string, allowed: readonly string[]): string {
  const v = text.trim().toLowerCase();
  if (allowed.includes(v) || /^[1-9]\d*$/.test(v)) return v;
  throw new CliUsageError(`version: expected ${allowed.join(', ')} or a version number, got "${text}"`);
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A point in time: `2024-01-01`, `2024-01-01T05:00`, `2024-01-01T05:00:30`, or any of those
 * with a zone, `Z` or an offset (`+02:00`, `-0700`). A date or time without a zone is UTC,
 * whatever the machine's zone, so the same command means the same instant everywhere.
 */
export function parseInstant(text: string, flag: string): Date {
  const m = INSTANT.exec(text.trim());
  const bad = () =>
    new CliUsageError(
      `${flag}: expected a date (2024-01-01, UTC), a time (2024-01-01T05:00, UTC) or one with a zone (2024-01-01T05:00-07:00), got "${text}"`,
    );
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0));
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 2024-02-30 over into March; a field that changed was out of range.
  const back = new Date(local);
  const same =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60;
  const zone = m[8]?.toUpperCase();
  const z = zone === undefined || zone === 'Z' ? undefined : /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  const offset = z ? (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) : 0;
  if (!same || (z && (Number(z[2]) > 23 || Number(z[3]) > 59))) throw bad();
  return new Date(local - offset * 60_000);
}

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

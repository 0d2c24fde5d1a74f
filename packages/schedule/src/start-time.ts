/**
 * Reads an INTERVAL trigger's `start`: an ISO-8601 date-time with an offset or Z
 * (`2024-01-01T00:00:00Z`, `2024-01-01T09:00:00.250+09:00`), or the form Maestro writes
 * (`MM-dd-yyyy hh:mm:ss.SSSz`, e.g. `01-01-2024 00:00:00.000UTC`), so definitions exported from
 * Maestro keep working. A time without an offset is refused: its instant would depend on the
 * reader's zone.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const MAESTRO =
  /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\s*(Z|UTC|GMT|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?)$/i;

/** Epoch ms of the start time, or undefined when the text is not one of the forms above. */
export function parseStartTime(text: string): number | undefined {
  const s = text.trim();
  const iso = ISO.exec(s);
  if (iso) {
    const [, y, mo, d, h, mi, sec, frac, zone] = iso;
    return instant(+y!, +mo!, +d!, +h!, +mi!, +(sec ?? 0), frac, zone!);
  }
  const m = MAESTRO.exec(s);
  if (m) {
    const [, mo, d, y, h, mi, sec, frac, zone] = m;
    return instant(+y!, +mo!, +d!, +h!, +mi!, +sec!, frac, zone!);
  }
  return undefined;
}

function instant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string | undefined,
  zone: string,
): number | undefined {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Date rolls 02-30 over to 03-01; a date that does not exist is a typo, not a start time.
  if (date.getUTCDate() !== day) return undefined;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  return date.getTime() + ((hour * 60 + minute - offset) * 60 + second) * 1000 + ms;
}

function offsetMinutes(zone: string): number | undefined {
  const z = zone.toUpperCase().replace(/^(UTC|GMT)(?=[+-])/, '');
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  // java.time's ZoneOffset range.
  if (hours > 18 || minutes > 59 || hours * 60 + minutes > 18 * 60) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * IANA time zones through the runtime's own tz data (Intl), so no zone database ships with us.
 * Offsets are read at whole seconds, which is the resolution every real zone rule has.
 */

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows `zone` as an IANA name (aliases such as US/Pacific included). */
export function isValidTimezone(zone: string): boolean {
  return zone.trim() !== '' && formatter(zone) !== null;
}

/** The zone's offset from UTC at `instantMs`, in ms (local wall time = instant + offset). */
export function offsetMs(instantMs: number, zone: string): number {
  const f = formatter(zone);
  if (!f) throw new RangeError(`unknown time zone '${zone}'`);
  const whole = Math.floor(instantMs / 1000) * 1000;
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(whole)) p[part.type] = part.value;
  const year = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
  wall.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
  return wall.getTime() - whole;
}

/**
 * The instant in (fromMs, toMs] at which the offset changes, when it changes once there; found by
 * bisection to the millisecond. Undefined when the offsets at both ends are equal.
 */
export function transitionBetween(fromMs: number, toMs: number, zone: string): number | undefined {
  const before = offsetMs(fromMs, zone);
  if (offsetMs(toMs, zone) === before) return undefined;
  let lo = fromMs;
  let hi = toMs;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(mid, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

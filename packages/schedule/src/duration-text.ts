/**
 * The duration text grammar shared by timeouts (in @baton/model) and INTERVAL triggers. It lives
 * here rather than in @baton/model because the model depends on this package, not the reverse.
 */
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

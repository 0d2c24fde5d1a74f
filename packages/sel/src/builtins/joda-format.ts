import { DateTime, FixedOffsetZone, type Zone } from 'luxon';
import { SelError } from '../errors';

/** Joda-Time pattern formatting and parsing (DateTimeFormat.forPattern) over luxon. */

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

type Part = { lit: string } | { f: string; n: number };

const LETTERS = new Set('GCYxweEdDMyaKhHkmsSzZ'.split(''));
const NUMERIC = new Set('CYxweDyKhHkmsSd'.split(''));

function isNumeric(p: { f: string; n: number }): boolean {
  return NUMERIC.has(p.f) || (p.f === 'M' && p.n < 3);
}

const compiled = new Map<string, Part[]>();

export function compilePattern(pattern: string): Part[] {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  if (pattern.length > 256)
    throw new SelError('RUNTIME', 'IllegalArgumentException: pattern longer than 256 characters');
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      let j = i + 1;
      let lit = '';
      if (pattern[j] === "'") {
        parts.push({ lit: "'" });
        i += 2;
        continue;
      }
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += pattern[j++];
      }
      if (j >= pattern.length)
        throw new SelError('RUNTIME', `IllegalArgumentException: unterminated quote in pattern: ${pattern}`);
      parts.push({ lit });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c))
        throw new SelError('RUNTIME', `IllegalArgumentException: Illegal pattern component: ${c}`);
      let n = 1;
      while (pattern[i + n] === c) n++;
      parts.push({ f: c, n });
      i += n;
    } else {
      parts.push({ lit: c });
      i++;
    }
  }
  if (compiled.size > 512) compiled.clear();
  compiled.set(pattern, parts);
  return parts;
}

const pad = (v: number, n: number): string =>
  v < 0 ? `-${String(-v).padStart(n, '0')}` : String(v).padStart(n, '0');

function offsetText(minutes: number, colon: boolean): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60), 2)}${colon ? ':' : ''}${pad(a % 60, 2)}`;
}

export function formatJoda(dt: DateTime, pattern: string, zoneId: string): string {
  let out = '';
  for (const p of compilePattern(pattern)) {
    if ('lit' in p) {
      out += p.lit;
      continue;
    }
    const n = p.n;
    switch (p.f) {
      case 'G':
        out += dt.year > 0 ? 'AD' : 'BC';
        break;
      case 'C':
        out += pad(Math.floor(dt.year / 100), n);
        break;
      case 'y':
      case 'Y':
      case 'x': {
        const y = p.f === 'x' ? dt.weekYear : dt.year;
        out += n === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, n);
        break;
      }
      case 'w':
        out += pad(dt.weekNumber, n);
        break;
      case 'e':
        out += pad(dt.weekday, n);
        break;
      case 'E':
        out += n >= 4 ? WEEKDAYS[dt.weekday - 1] : WEEKDAYS[dt.weekday - 1].slice(0, 3);
        break;
      case 'D':
        out += pad(dt.ordinal, n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[dt.month - 1] : n === 3 ? MONTHS[dt.month - 1].slice(0, 3) : pad(dt.month, n);
        break;
      case 'd':
        out += pad(dt.day, n);
        break;
      case 'a':
        out += dt.hour < 12 ? 'AM' : 'PM';
        break;
      case 'K':
        out += pad(dt.hour % 12, n);
        break;
      case 'h':
        out += pad(dt.hour % 12 || 12, n);
        break;
      case 'H':
        out += pad(dt.hour, n);
        break;
      case 'k':
        out += pad(dt.hour || 24, n);
        break;
      case 'm':
        out += pad(dt.minute, n);
        break;
      case 's':
        out += pad(dt.second, n);
        break;
      case 'S':
        out += String(dt.millisecond).padStart(3, '0').padEnd(n, '0').slice(0, n);
        break;
      case 'z':
        out += (n >= 4 ? dt.offsetNameLong : dt.offsetNameShort) ?? zoneId;
        break;
      case 'Z':
        out += n >= 3 ? zoneId : offsetText(dt.offset, n === 2);
        break;
    }
  }
  return out;
}

interface Fields {
  year?: number;
  month?: number;
  day?: number;
  ordinal?: number;
  weekYear?: number;
  weekNumber?: number;
  weekday?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
  pm?: boolean;
  half?: number;
  offset?: number;
  zone?: string;
}

function invalid(text: string, at: number): SelError {
  return new SelError(
    'RUNTIME',
    `IllegalArgumentException: Invalid format: "${text.slice(0, 100)}"${at < text.length ? ` is malformed at "${text.slice(at, at + 40)}"` : ' is too short'}`,
  );
}

/** Parses `text` with a Joda pattern into an instant in `zone` (or the parsed offset). */
export function parseJoda(text: string, pattern: string, zone: Zone): DateTime {
  const parts = compilePattern(pattern);
  const f: Fields = {};
  let i = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if ('lit' in p) {
      if (!text.startsWith(p.lit, i)) throw invalid(text, i);
      i += p.lit.length;
      continue;
    }
    const nextPart = parts[k + 1];
    const adjacentNumeric = nextPart !== undefined && 'f' in nextPart && isNumeric(nextPart);
    if (isNumeric(p)) {
      const signed = p.f === 'y' || p.f === 'Y' || p.f === 'x';
      let j = i;
      if (signed && (text[j] === '-' || text[j] === '+')) j++;
      const maxW = adjacentNumeric ? p.n : p.f === 'S' ? 9 : 10;
      const start = j;
      while (j < text.length && j - start < maxW && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if (j === start) throw invalid(text, i);
      const raw = text.slice(i, j);
      let v = Number(raw);
      if (p.f === 'S') v = Math.floor(Number(`0.${raw}`) * 1000);
      if ((p.f === 'y' || p.f === 'Y' || p.f === 'x') && p.n === 2 && j - start === 2)
        v += v >= 50 ? 1900 : 2000;
      assign(f, p.f, v);
      i = j;
      continue;
    }
    if (p.f === 'M' || p.f === 'E') {
      const names = p.f === 'M' ? MONTHS : WEEKDAYS;
      const rest = text.slice(i).toLowerCase();
      let found = -1;
      let len = 0;
      for (let q = 0; q < names.length; q++) {
        const full = names[q].toLowerCase();
        if (rest.startsWith(full)) {
          found = q;
          len = full.length;
          break;
        }
        if (rest.startsWith(full.slice(0, 3))) {
          found = q;
          len = 3;
        }
      }
      if (found < 0) throw invalid(text, i);
      if (p.f === 'M') f.month = found + 1;
      else f.weekday = found + 1;
      i += len;
      continue;
    }
    if (p.f === 'a') {
      const s = text.slice(i, i + 2).toUpperCase();
      if (s !== 'AM' && s !== 'PM') throw invalid(text, i);
      f.pm = s === 'PM';
      i += 2;
      continue;
    }
    if (p.f === 'Z') {
      const rest = text.slice(i);
      const mz = /^(Z|[+-]\d{2}(:?\d{2})?)/.exec(rest);
      const mid = /^[A-Za-z][A-Za-z0-9_+\-/]*/.exec(rest);
      if (p.n >= 3 && mid) {
        f.zone = mid[0];
        i += mid[0].length;
      } else if (mz) {
        const s = mz[0];
        f.offset =
          s === 'Z'
            ? 0
            : (s[0] === '-' ? -1 : 1) *
              (Number(s.slice(1, 3)) * 60 + Number(s.replace(':', '').slice(3, 5) || '0'));
        i += s.length;
      } else throw invalid(text, i);
      continue;
    }
    if (p.f === 'z' || p.f === 'G') {
      const mt = /^[A-Za-z]+/.exec(text.slice(i));
      if (!mt) throw invalid(text, i);
      i += mt[0].length;
    }
  }
  if (i !== text.length) throw invalid(text, i);
  return build(f, text, zone);
}

function assign(f: Fields, c: string, v: number): void {
  switch (c) {
    case 'y':
    case 'Y':
      f.year = v;
      break;
    case 'x':
      f.weekYear = v;
      break;
    case 'w':
      f.weekNumber = v;
      break;
    case 'e':
      f.weekday = v;
      break;
    case 'D':
      f.ordinal = v;
      break;
    case 'M':
      f.month = v;
      break;
    case 'd':
      f.day = v;
      break;
    case 'H':
      f.hour = v;
      break;
    case 'k':
      f.hour = v === 24 ? 0 : v;
      break;
    case 'K':
    case 'h':
      f.half = v % 12;
      break;
    case 'm':
      f.minute = v;
      break;
    case 's':
      f.second = v;
      break;
    case 'S':
      f.millisecond = v;
      break;
    case 'C':
      f.year = v * 100;
      break;
  }
}

function build(f: Fields, text: string, zone: Zone): DateTime {
  const hour = f.half !== undefined ? f.half + (f.pm ? 12 : 0) : (f.hour ?? 0);
  const time = { hour, minute: f.minute ?? 0, second: f.second ?? 0, millisecond: f.millisecond ?? 0 };
  let parseZone: Zone = zone;
  if (f.offset !== undefined) parseZone = FixedOffsetZone.instance(f.offset);
  let dt: DateTime;
  if (f.weekYear !== undefined || f.weekNumber !== undefined) {
    dt = DateTime.fromObject(
      {
        weekYear: f.weekYear ?? f.year ?? 1970,
        weekNumber: f.weekNumber ?? 1,
        weekday: (f.weekday ?? 1) as 1,
        ...time,
      },
      { zone: parseZone },
    );
  } else if (f.ordinal !== undefined) {
    dt = DateTime.fromObject({ year: f.year ?? 1970, ordinal: f.ordinal, ...time }, { zone: parseZone });
  } else {
    dt = DateTime.fromObject(
      { year: f.year ?? 1970, month: f.month ?? 1, day: f.day ?? 1, ...time },
      { zone: parseZone },
    );
  }
  if (!dt.isValid) {
    throw new SelError(
      'RUNTIME',
      `IllegalFieldValueException: cannot parse "${text.slice(0, 100)}": ${dt.invalidExplanation ?? dt.invalidReason}`,
    );
  }
  return f.offset !== undefined ? dt.setZone(zone) : dt;
}

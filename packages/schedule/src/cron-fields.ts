/**
 * Field-by-field checks of a cron expression, so a user reads "minute: 61 is out of range 0-59"
 * instead of the library's own wording, and it decides which dialect applies. The cron library
 * still compiles what passes here and refuses anything it cannot read.
 *
 * Dialects, as Maestro reads them: 5 fields are Unix cron (day-of-week 0-7, Sunday 0 or 7, and
 * day-of-month OR day-of-week when both are set, as Vixie cron does); 6 or 7 fields are Quartz
 * (seconds first, an optional year last, day-of-week 1-7 with Sunday 1, and '?' in one of the
 * two day fields).
 */

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};
const UNIX_DAYS = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const QUARTZ_DAYS = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS };
const UNIX_DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: UNIX_DAYS };
const QUARTZ_DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: QUARTZ_DAYS };
// Quartz's documented year range.
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199 };

const UNIX_FIELDS = [MINUTE, HOUR, DAY_OF_MONTH, MONTH, UNIX_DAY_OF_WEEK];
const QUARTZ_FIELDS = [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, QUARTZ_DAY_OF_WEEK, YEAR];

export type CronCheck =
  | {
      ok: true;
      /** 6 or 7 fields: Quartz day-of-week numbering and rules. */
      quartz: boolean;
      /**
       * Seconds, minutes and hours name fixed values (no `*`, `?` or step). Such a schedule means
       * "at this local time", which decides how it behaves across daylight-saving changes.
       */
      fixedTime: boolean;
    }
  | { ok: false; detail: string };

export function checkCronFields(cron: string): CronCheck {
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 7) {
    return {
      ok: false,
      detail:
        'expected 5 fields (minute hour day-of-month month day-of-week) or, in the Quartz form, ' +
        `6 or 7 (second minute hour day-of-month month day-of-week [year]); got ${fields.length}`,
    };
  }
  const quartz = fields.length > 5;
  const specs = quartz ? QUARTZ_FIELDS : UNIX_FIELDS;
  for (let i = 0; i < fields.length; i++) {
    const problem = checkField(fields[i]!.toUpperCase(), specs[i]!, quartz);
    if (problem) return { ok: false, detail: `${specs[i]!.name}: ${problem}` };
  }
  const dom = fields[quartz ? 3 : 2]!;
  const dow = fields[quartz ? 5 : 4]!;
  if (quartz && isRestricted(dom) && isRestricted(dow)) {
    // Quartz refuses this, and Vixie would OR the two: say which one is meant rather than guess.
    return {
      ok: false,
      detail: "day-of-month and day-of-week are both set; in the Quartz form put '?' in one of them",
    };
  }
  const timeFields = quartz ? fields.slice(0, 3) : ['0', ...fields.slice(0, 2)];
  return { ok: true, quartz, fixedTime: timeFields.every((f) => !/[*?/]/.test(f)) };
}

function isRestricted(field: string): boolean {
  return field !== '*' && field !== '?';
}

function checkField(field: string, spec: FieldSpec, quartz: boolean): string | undefined {
  const items = field.split(',');
  for (const item of items) {
    if (item === '') return `empty list item in '${field}'`;
    const problem = checkItem(item, spec, quartz);
    if (problem) return problem;
  }
  if (items.length > 1 && items.includes('LW')) return `'LW' cannot be part of a list`;
  if (items.length > 1 && items.some((i) => i === '*' || i === '?')) {
    return `'*' and '?' stand alone, not in a list`;
  }
  return undefined;
}

function checkItem(item: string, spec: FieldSpec, quartz: boolean): string | undefined {
  const isDom = spec === DAY_OF_MONTH;
  const isDow = spec.name === 'day-of-week';
  if (item === '*') return undefined;
  if (item === '?') return isDom || isDow ? undefined : `'?' is only allowed in day-of-month and day-of-week`;
  if (isDom) {
    if (item === 'L' || item === 'LW') return undefined;
    if (/^L-\d+$/.test(item)) return `'${item}' (days before the end of the month) is not supported`;
    const w = /^(\d+)W$/.exec(item);
    if (w) return checkValue(w[1]!, spec);
  } else if (isDow) {
    if (item === 'L')
      return `'L' alone is ambiguous here; write ${quartz ? '7 or SAT' : '6 or SAT'}, or FRIL for the last Friday`;
    const last = /^(\w+)L$/.exec(item);
    if (last) return checkValue(last[1]!, spec);
    const nth = /^(\w+)#(\w*)$/.exec(item);
    if (nth) {
      if (!/^[1-5]$/.test(nth[2]!)) return `'${item}': the week after '#' must be 1 to 5`;
      return checkValue(nth[1]!, spec);
    }
  }
  if (/[LW#]/.test(item) && !/^[A-Z]+$/.test(item) && !/^[A-Z]+-[A-Z]+$/.test(item)) {
    return `'${item}': ${modifierHint(spec)}`;
  }
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return `'${item}' has more than one '/'`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step)) return `'${item}': the step after '/' must be a whole number`;
    const n = Number(step);
    const span = isDow ? 7 : spec.max - spec.min + 1;
    if (n < 1 || n > span) return `'${item}': step ${n} must be between 1 and ${span}`;
    if (range === '*') return undefined;
    if (range === '') return `'${item}': a step needs a start, as in '*/${step}'`;
  }
  const bounds = range!.split('-');
  if (bounds.length > 2) return `'${item}' is not a value or a range`;
  for (const b of bounds) {
    const problem = checkValue(b, spec);
    if (problem) return problem;
  }
  if (bounds.length === 2 && numberOf(bounds[0]!, spec) > numberOf(bounds[1]!, spec)) {
    return `range '${range}' runs backwards`;
  }
  return undefined;
}

function modifierHint(spec: FieldSpec): string {
  if (spec === DAY_OF_MONTH) return "L, LW and nW (nearest weekday) stand alone, as in 'L' or '15W'";
  if (spec.name === 'day-of-week')
    return "nL (last) and n#k (k-th) take a single day, as in 'FRIL' or 'MON#2'";
  return `L, W and # are only allowed in day-of-month and day-of-week`;
}

function checkValue(text: string, spec: FieldSpec): string | undefined {
  if (text === '') return 'a value is missing';
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) return `${n} is out of range ${spec.min}-${spec.max}${dayHint(spec)}`;
    return undefined;
  }
  if (spec.names) {
    if (spec.names[text] !== undefined) return undefined;
    const all = Object.keys(spec.names);
    return `unknown name '${text}'; use ${all[0]}-${all[all.length - 1]} or numbers`;
  }
  return `'${text}' is not a number`;
}

function dayHint(spec: FieldSpec): string {
  if (spec === QUARTZ_DAY_OF_WEEK) return ' (the Quartz form counts SUN=1 to SAT=7)';
  if (spec === UNIX_DAY_OF_WEEK) return ' (SUN=0 or 7)';
  return '';
}

function numberOf(text: string, spec: FieldSpec): number {
  return /^\d+$/.test(text) ? Number(text) : (spec.names?.[text] ?? Number.NaN);
}

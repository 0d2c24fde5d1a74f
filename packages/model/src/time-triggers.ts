import { type Duration, parseDuration, parseDurationText } from './duration';
import { TIME_TRIGGER_TYPES, parseEnum } from './enums';
import { indexPath, keyPath } from './json-path';
import { type JsonObject, asArray, asObject, optString, rejectUnknownKeys } from './reader';
import { type Ctx, report } from './violations';

/** Named schedules of a PREDEFINED trigger, written with an `@` as Maestro serializes them. */
export const PREDEFINED_SCHEDULES = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly'] as const;
export type PredefinedSchedule = (typeof PREDEFINED_SCHEDULES)[number];

/** A time trigger (Maestro's TimeTrigger subtypes, told apart by `type`). */
export type TimeTrigger =
  | { type: 'CRON'; cron: string; timezone?: string; fuzzyMaxDelay?: Duration }
  | { type: 'INTERVAL'; interval: string; start?: string; fuzzyMaxDelay?: Duration }
  | { type: 'PREDEFINED'; expression: PredefinedSchedule; timezone?: string; fuzzyMaxDelay?: Duration };

const KEYS = {
  CRON: new Set(['type', 'cron', 'timezone', 'fuzzy_max_delay']),
  INTERVAL: new Set(['type', 'interval', 'start', 'fuzzy_max_delay']),
  PREDEFINED: new Set(['type', 'expression', 'timezone', 'fuzzy_max_delay']),
} as const;

// Maestro's TIME_TRIGGER_MINIMUM_INTERVAL.
const MIN_INTERVAL_SECONDS = 60;
const CRON_FIELD = /^[0-9A-Za-z*?/,\-#]+$/;

export function parseTimeTriggers(ctx: Ctx, path: string, v: unknown): TimeTrigger[] | undefined {
  const list = asArray(ctx, path, v);
  if (!list) return undefined;
  const out: TimeTrigger[] = [];
  list.forEach((item, i) => {
    const trigger = parseTimeTrigger(ctx, indexPath(path, i), item);
    if (trigger) out.push(trigger);
  });
  return out;
}

function parseTimeTrigger(ctx: Ctx, path: string, v: unknown): TimeTrigger | undefined {
  const obj = asObject(ctx, path, v);
  if (!obj) return undefined;
  if (obj.type === undefined || obj.type === null) {
    report(ctx, keyPath(path, 'type'), `time trigger type is required: ${TIME_TRIGGER_TYPES.join(', ')}`);
    return undefined;
  }
  const type = parseEnum(ctx, keyPath(path, 'type'), obj.type, TIME_TRIGGER_TYPES, 'time trigger type');
  if (!type) return undefined;
  rejectUnknownKeys(ctx, path, obj, KEYS[type]);
  const fuzzy =
    obj.fuzzy_max_delay == null
      ? undefined
      : parseDuration(ctx, keyPath(path, 'fuzzy_max_delay'), obj.fuzzy_max_delay);
  const extra = fuzzy === undefined ? {} : { fuzzyMaxDelay: fuzzy };
  if (type === 'CRON') {
    const cron = requiredString(ctx, path, obj, 'cron');
    const timezone = readTimezone(ctx, path, obj);
    if (cron === undefined || !checkCron(ctx, keyPath(path, 'cron'), cron)) return undefined;
    return { type, cron, ...(timezone ? { timezone } : {}), ...extra };
  }
  if (type === 'PREDEFINED') {
    const expression = requiredString(ctx, path, obj, 'expression');
    const timezone = readTimezone(ctx, path, obj);
    if (expression === undefined) return undefined;
    const name = `@${expression.replace(/^@/, '').toLowerCase()}`;
    const schedule = PREDEFINED_SCHEDULES.find((s) => s === name);
    if (!schedule) {
      report(
        ctx,
        keyPath(path, 'expression'),
        `unknown schedule '${expression}'; expected one of ${PREDEFINED_SCHEDULES.join(', ')}`,
      );
      return undefined;
    }
    return { type, expression: schedule, ...(timezone ? { timezone } : {}), ...extra };
  }
  const interval = requiredString(ctx, path, obj, 'interval');
  const start = optString(ctx, path, obj, 'start');
  if (interval === undefined) return undefined;
  const seconds = parseDurationText(interval);
  if (seconds === undefined || seconds < MIN_INTERVAL_SECONDS) {
    report(
      ctx,
      keyPath(path, 'interval'),
      `interval must be a duration of at least ${MIN_INTERVAL_SECONDS} seconds`,
    );
    return undefined;
  }
  return { type, interval, ...(start !== undefined ? { start } : {}), ...extra };
}

function requiredString(ctx: Ctx, path: string, obj: JsonObject, key: string): string | undefined {
  if (obj[key] === undefined || obj[key] === null) {
    report(ctx, keyPath(path, key), `'${key}' is required`);
    return undefined;
  }
  return optString(ctx, path, obj, key);
}

/** A light syntactic check; the scheduler's cron library is the final judge of the schedule. */
function checkCron(ctx: Ctx, path: string, cron: string): boolean {
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 7 || !fields.every((f) => CRON_FIELD.test(f))) {
    report(ctx, path, `'${cron}' is not a cron expression (5 to 7 fields)`);
    return false;
  }
  return true;
}

const knownZones = new Map<string, boolean>();

/** Checks a time zone against the runtime's IANA database (aliases such as US/Pacific included). */
export function isValidTimezone(zone: string): boolean {
  let ok = knownZones.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    knownZones.set(zone, ok);
  }
  return ok;
}

function readTimezone(ctx: Ctx, path: string, obj: JsonObject): string | undefined {
  const zone = optString(ctx, path, obj, 'timezone');
  if (zone !== undefined && !isValidTimezone(zone)) {
    report(ctx, keyPath(path, 'timezone'), `unknown time zone '${zone}'`);
    return undefined;
  }
  return zone;
}

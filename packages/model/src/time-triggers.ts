import {
  type PredefinedSchedule,
  type TimeTriggerInput,
  compileSchedule,
  isValidTimezone,
  predefinedSchedule,
} from '@baton/schedule';
import { type Duration, parseDuration } from './duration';
import { TIME_TRIGGER_TYPES, parseEnum } from './enums';
import { indexPath, keyPath } from './json-path';
import { type JsonObject, asArray, asObject, optString, rejectUnknownKeys } from './reader';
import { type Ctx, report } from './violations';

export type { PredefinedSchedule };

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
    if (cron === undefined || !checkSchedule(ctx, path, { type, cron, timezone })) return undefined;
    return { type, cron, ...(timezone ? { timezone } : {}), ...extra };
  }
  if (type === 'PREDEFINED') {
    const expression = requiredString(ctx, path, obj, 'expression');
    const timezone = readTimezone(ctx, path, obj);
    if (expression === undefined || !checkSchedule(ctx, path, { type, expression, timezone }))
      return undefined;
    const schedule = predefinedSchedule(expression)!;
    return { type, expression: schedule, ...(timezone ? { timezone } : {}), ...extra };
  }
  const interval = requiredString(ctx, path, obj, 'interval');
  const start = optString(ctx, path, obj, 'start');
  if (interval === undefined || !checkSchedule(ctx, path, { type, interval, start })) return undefined;
  return { type, interval, ...(start !== undefined ? { start } : {}), ...extra };
}

function requiredString(ctx: Ctx, path: string, obj: JsonObject, key: string): string | undefined {
  if (obj[key] === undefined || obj[key] === null) {
    report(ctx, keyPath(path, key), `'${key}' is required`);
    return undefined;
  }
  return optString(ctx, path, obj, key);
}

/**
 * Compiles the trigger the way the signal service will, so a definition that saves is one that can
 * be scheduled; a problem is reported at the trigger field it concerns (`…time_triggers[0].cron`).
 */
function checkSchedule(ctx: Ctx, path: string, input: TimeTriggerInput): boolean {
  const compiled = compileSchedule(input);
  if (!compiled.ok) report(ctx, keyPath(path, compiled.field), compiled.message);
  return compiled.ok;
}

/**
 * Checked here as well as by compileSchedule, and then left out of the compile, so that a bad zone
 * and a bad cron in one trigger are both reported.
 */
function readTimezone(ctx: Ctx, path: string, obj: JsonObject): string | undefined {
  const zone = optString(ctx, path, obj, 'timezone');
  if (zone !== undefined && !isValidTimezone(zone)) {
    report(ctx, keyPath(path, 'timezone'), `unknown time zone '${zone}'`);
    return undefined;
  }
  return zone;
}

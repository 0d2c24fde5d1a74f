import { Cron, type CronOptions } from 'croner';
import { checkCronFields } from './cron-fields';
import { parseDurationText } from './duration-text';
import { PREDEFINED_CRONS, PREDEFINED_SCHEDULES, predefinedSchedule } from './predefined';
import type { CompileField, CompileResult, Schedule, TimeTriggerInput } from './schedule';
import { parseStartTime } from './start-time';
import { isValidTimezone } from './time-zone';

/** Maestro's TIME_TRIGGER_MINIMUM_INTERVAL. */
export const MIN_INTERVAL_SECONDS = 60;

/**
 * Checks a time trigger and compiles it into a Schedule. The first problem found is returned with
 * the trigger field it concerns, in words meant for the user who wrote the definition.
 */
export function compileSchedule(t: TimeTriggerInput): CompileResult {
  const fuzzyMaxDelayMs = t.fuzzyMaxDelayMs ?? 0;
  if (t.type === 'INTERVAL') return compileInterval(t, fuzzyMaxDelayMs);
  const timezone = t.timezone ?? 'UTC';
  if (!isValidTimezone(timezone)) return fail('timezone', `unknown time zone '${timezone}'`);
  if (t.type === 'PREDEFINED') {
    const name = predefinedSchedule(t.expression ?? '');
    if (!name) {
      return fail(
        'expression',
        `unknown schedule '${t.expression ?? ''}'; expected one of ${PREDEFINED_SCHEDULES.join(', ')}`,
      );
    }
    return compileCron(PREDEFINED_CRONS[name], timezone, fuzzyMaxDelayMs);
  }
  const cron = (t.cron ?? '').trim();
  if (cron === '') return fail('cron', "a CRON trigger needs a 'cron' expression");
  if (cron.startsWith('@')) {
    // Vixie cron's nicknames, which some definitions put in the cron field itself.
    const name = predefinedSchedule(cron);
    if (!name) {
      return fail(
        'cron',
        `'${cron}' is not a cron expression; known names are ${PREDEFINED_SCHEDULES.join(', ')}`,
      );
    }
    return compileCron(PREDEFINED_CRONS[name], timezone, fuzzyMaxDelayMs);
  }
  return compileCron(cron.split(/\s+/).join(' '), timezone, fuzzyMaxDelayMs);
}

function compileCron(cron: string, timezone: string, fuzzyMaxDelayMs: number): CompileResult {
  const check = checkCronFields(cron);
  if (!check.ok) return fail('cron', `'${cron}' is not a cron expression: ${check.detail}`);
  const options: CronOptions = {
    alternativeWeekdays: check.quartz,
    // Quartz writes "0/15" for "every 15 from 0"; the library calls that sloppy and wants "*/15".
    sloppyRanges: true,
    // The library's name for what README "Daylight saving" calls a fixed-time schedule.
    fixedTimeRule: 'no-wildcard',
    domAndDow: false,
  };
  try {
    const job = new Cron(cron, { ...options, timezone });
    const wallClock = new Cron(cron, { ...options, utcOffset: 0 });
    const schedule: Schedule = {
      kind: 'cron',
      cron,
      timezone,
      fixedTime: check.fixedTime,
      fuzzyMaxDelayMs,
      job,
      wallClock,
    };
    return { ok: true, schedule };
  } catch (e) {
    const detail = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern: /, '');
    return fail('cron', `'${cron}' is not a cron expression: ${detail}`);
  }
}

function compileInterval(t: TimeTriggerInput, fuzzyMaxDelayMs: number): CompileResult {
  const seconds = t.interval === undefined ? undefined : parseDurationText(t.interval);
  if (seconds === undefined || seconds < MIN_INTERVAL_SECONDS) {
    return fail(
      'interval',
      `interval must be a duration of at least ${MIN_INTERVAL_SECONDS} seconds, such as "90 minutes" or "1h"` +
        (t.interval === undefined ? '' : `; got '${t.interval}'`),
    );
  }
  let startMs = 0;
  if (t.start !== undefined) {
    const parsed = parseStartTime(t.start);
    if (parsed === undefined) {
      return fail(
        'start',
        `'${t.start}' is not a start time; use an ISO-8601 date-time with an offset, ` +
          'such as "2024-01-01T00:00:00Z" (or Maestro\'s "01-01-2024 00:00:00.000UTC")',
      );
    }
    startMs = parsed;
  }
  return { ok: true, schedule: { kind: 'interval', startMs, intervalMs: seconds * 1000, fuzzyMaxDelayMs } };
}

function fail(field: CompileField, message: string): CompileResult {
  return { ok: false, field, message };
}

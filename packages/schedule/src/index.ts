/**
 * @baton/schedule — when time triggers fire. Pure functions over data: no I/O, no clock; the
 * caller says what "now" is. See README.md for the cron dialects and the daylight-saving rules.
 *
 *   compileSchedule(trigger)                 → { ok, schedule } or { ok: false, field, message }
 *   nextFireTimes(schedule, afterMs, count)  the next fires, strictly after afterMs
 *   fireTimesBetween(schedule, from, to, cap) fires in (from, to], at most cap, and `truncated`
 *   scheduleTimezone(schedule)               the IANA zone its fields are read in
 *   fuzzyDelayMs(key, maxDelayMs)            deterministic jitter in [0, maxDelayMs)
 *   triggerIdOf(triggerJson)                 16 hex characters, stable across versions
 *   parseDurationText(text)                  "20 minutes", "1d 3h" → whole seconds (shared with
 *                                            @baton/model's timeouts)
 */
export { compileSchedule, MIN_INTERVAL_SECONDS } from './compile-schedule';
export { fireTimesBetween, MAX_FIRES_PER_CALL, nextFireTimes, scheduleTimezone } from './fire-times';
export { fuzzyDelayMs } from './fuzzy-delay';
export { triggerIdOf } from './trigger-id';
export { parseDurationText } from './duration-text';
export { isValidTimezone } from './time-zone';
export {
  PREDEFINED_CRONS,
  PREDEFINED_SCHEDULES,
  type PredefinedSchedule,
  predefinedSchedule,
} from './predefined';
export type {
  CompileField,
  CompileResult,
  CronSchedule,
  IntervalSchedule,
  Schedule,
  TimeTriggerInput,
} from './schedule';

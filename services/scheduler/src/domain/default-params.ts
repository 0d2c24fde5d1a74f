import type { ParamDef, ParamMap, WorkflowDef } from '@baton/model';
import type { TriggerInfo } from './trigger-info';

/**
 * Maestro's default workflow params: every run has them, under the definition's params (the
 * definition, run params and restart params replace them by name). They are SEL over RUN_TS and
 * the run's time zone, MUTABLE_ON_START like Maestro's. A run evaluates RUN_TS always (it is a
 * literal) and every other one only when something reads it, so a definition that reads none of
 * them pays nothing for them.
 *
 * Time zone: WORKFLOW_CRON_TIMEZONE is the trigger's zone (`INITIATOR_TIMEZONE`), else the zone of
 * the definition's first time trigger (`FIRST_TIME_TRIGGER_TIMEZONE`), else UTC; both instance
 * fields are empty strings when there is nothing to report (see instanceField in scopes.ts).
 */

/**
 * A SEL-defined default. The mode is Maestro's and only informative here: run and restart params
 * replace defaults freely (validateRunParams checks the definition's own params).
 */
function sel(expression: string, type: 'STRING' | 'LONG' = 'STRING'): ParamDef {
  return { expression, type, mode: 'MUTABLE_ON_START' };
}

/** `pattern` of the instant `ts` (a LONG param) seen in `zone` (SEL for a DateTimeZone), after `shift`. */
function local(ts: string, zone: string, pattern: string, shift = ''): ParamDef {
  return sel(`new DateTime(${ts}).withZone(${zone})${shift}.toString("${pattern}");`);
}

/** An instance field, or `fallback` (SEL) when the field is empty. */
function orElse(field: string, fallback: string): ParamDef {
  return sel(
    `String z = params.getFromInstance("${field}"); return z == null || z.isEmpty() ? ${fallback} : z;`,
  );
}

const CRON_ZONE = 'DateTimeZone.forID(WORKFLOW_CRON_TIMEZONE)';
const PACIFIC = 'DateTimeZone.forID("America/Los_Angeles")';
const UTC = 'DateTimeZone.UTC';

/** The defaults other than RUN_TS (which depends on the run: see runTimestamp). */
export const DERIVED_DEFAULT_PARAMS: Readonly<ParamMap> = Object.freeze({
  DSL_DEFAULT_TZ: orElse('FIRST_TIME_TRIGGER_TIMEZONE', '"UTC"'),
  WORKFLOW_CRON_TIMEZONE: orElse('INITIATOR_TIMEZONE', 'DSL_DEFAULT_TZ'),
  TARGET_RUN_DATE: local('RUN_TS', CRON_ZONE, 'yyyyMMdd'),
  TARGET_RUN_HOUR: local('RUN_TS', CRON_ZONE, 'HH'),
  // The start of RUN_TS's hour in the cron zone: the instant the DERIVED_* names below describe.
  DERIVED_RUN_TS: sel(
    `DateTimeFormat.forPattern("yyyyMMddHH").withZone(${CRON_ZONE}).parseDateTime(TARGET_RUN_DATE + TARGET_RUN_HOUR).getMillis();`,
    'LONG',
  ),
  DERIVED_RUN_DATE_US_PACIFIC: local('DERIVED_RUN_TS', PACIFIC, 'yyyyMMdd'),
  DERIVED_RUN_DATE_US_PACIFIC_MINUS_ONE: local('DERIVED_RUN_TS', PACIFIC, 'yyyyMMdd', '.minusDays(1)'),
  DERIVED_RUN_DATE_UTC: local('DERIVED_RUN_TS', UTC, 'yyyyMMdd'),
  DERIVED_RUN_DATE_UTC_MINUS_ONE: local('DERIVED_RUN_TS', UTC, 'yyyyMMdd', '.minusDays(1)'),
  DERIVED_RUN_DATE_UTC_PLUS_ONE: local('DERIVED_RUN_TS', UTC, 'yyyyMMdd', '.plusDays(1)'),
  // The date an hour earlier / later (Maestro's names say "hour", the value is a date).
  DERIVED_RUN_DATE_UTC_MINUS_ONE_HOUR: local('DERIVED_RUN_TS', UTC, 'yyyyMMdd', '.minusHours(1)'),
  DERIVED_RUN_DATE_UTC_PLUS_ONE_HOUR: local('DERIVED_RUN_TS', UTC, 'yyyyMMdd', '.plusHours(1)'),
  DERIVED_RUN_HOUR_US_PACIFIC: local('DERIVED_RUN_TS', PACIFIC, 'HH'),
  DERIVED_RUN_HOUR_UTC: local('DERIVED_RUN_TS', UTC, 'HH'),
  DERIVED_RUN_HOUR_UTC_MINUS_ONE_HOUR: local('DERIVED_RUN_TS', UTC, 'HH', '.minusHours(1)'),
  DERIVED_RUN_HOUR_UTC_PLUS_ONE_HOUR: local('DERIVED_RUN_TS', UTC, 'HH', '.plusHours(1)'),
  // Read on their own, not through TARGET_RUN_DATE: overriding that one leaves these alone.
  LOCAL_RUN_DATE: local('RUN_TS', CRON_ZONE, 'yyyyMMdd'),
  RUN_DATE: local('RUN_TS', UTC, 'yyyyMMdd'),
  RUN_DATE_MINUS_1: local('RUN_TS', UTC, 'yyyyMMdd', '.minusDays(1)'),
  RUN_DATE_MINUS_7: local('RUN_TS', UTC, 'yyyyMMdd', '.minusDays(7)'),
});

/**
 * The instant a run stands for: a TIME or BACKFILL trigger's fire time (a run fired late, or a
 * backfill of last week, still processes its own slot), else when the run started. Fixed at start
 * so that decide stays deterministic: a default read later is evaluated from the same RUN_TS.
 */
export function runTimestamp(trigger: TriggerInfo | undefined, startedAt: number): number {
  if ((trigger?.kind === 'TIME' || trigger?.kind === 'BACKFILL') && trigger.time !== undefined)
    return trigger.time;
  return startedAt;
}

/** Every default param of a run whose RUN_TS is `runTs`. */
export function defaultWorkflowParams(runTs: number): ParamMap {
  return { RUN_TS: { value: runTs, type: 'LONG', mode: 'MUTABLE_ON_START' }, ...DERIVED_DEFAULT_PARAMS };
}

/** `FIRST_TIME_TRIGGER_TIMEZONE`: the zone of the definition's first time trigger, or ''. */
export function firstTimeTriggerZone(workflow: Pick<WorkflowDef, 'timeTriggers'>): string {
  const t = workflow.timeTriggers?.[0];
  return t && t.type !== 'INTERVAL' ? (t.timezone ?? '') : '';
}

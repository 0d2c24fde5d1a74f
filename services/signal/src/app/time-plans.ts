import type { TimeTrigger } from '@baton/model';
import {
  compileSchedule,
  fireTimesBetween,
  fuzzyDelayMs,
  nextFireTimes,
  scheduleTimezone,
} from '@baton/schedule';
import type { TimeTriggerPlan } from '../domain/time-shard';
import type { CatchUp } from '@baton/model';

/** A time trigger of a workflow as the planner sees it, or undefined when its schedule does not compile. */
export function planOf(
  wf: { workflowId: string; changedAt: number; catchUp: Required<CatchUp> },
  triggerId: string,
  def: TimeTrigger,
): TimeTriggerPlan | undefined {
  const compiled = compileSchedule({
    type: def.type,
    ...(def.type === 'CRON' ? { cron: def.cron } : {}),
    ...(def.type === 'PREDEFINED' ? { expression: def.expression } : {}),
    ...(def.type === 'INTERVAL'
      ? { interval: def.interval, ...(def.start ? { start: def.start } : {}) }
      : {}),
    ...('timezone' in def && def.timezone ? { timezone: def.timezone } : {}),
  });
  if (!compiled.ok) return undefined;
  const schedule = compiled.schedule;
  const maxDelayMs = (def.fuzzyMaxDelay ? durationSeconds(def.fuzzyMaxDelay) : 0) * 1000;
  const key = `${wf.workflowId}|${triggerId}`;
  return {
    key,
    workflowId: wf.workflowId,
    triggerId,
    timezone: scheduleTimezone(schedule),
    changedAt: wf.changedAt,
    catchUp: wf.catchUp,
    between: (from, to, cap) => fireTimesBetween(schedule, from, to, cap),
    next: (after, count) => nextFireTimes(schedule, after, count),
    delay: (nominal) => (maxDelayMs > 0 ? fuzzyDelayMs(`${key}:${nominal}`, maxDelayMs) : 0),
  };
}

/** A literal duration in seconds (Duration is seconds when literal; a param reference counts as none). */
function durationSeconds(d: number | string): number {
  return typeof d === 'number' ? d : 0;
}

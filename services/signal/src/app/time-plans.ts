import type { TimeTrigger } from '@baton/model';
import {
  type Schedule,
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
    ...memoized(schedule),
    delay: (nominal) => (maxDelayMs > 0 ? fuzzyDelayMs(`${key}:${nominal}`, maxDelayMs) : 0),
  };
}

/** A literal duration in seconds (Duration is seconds when literal; a param reference counts as none). */
function durationSeconds(d: number | string): number {
  return typeof d === 'number' ? d : 0;
}

/** Fire times a plan keeps ahead of where it was last asked. */
const AHEAD = 8;

/**
 * `between` and `next` over a schedule, answered from the next AHEAD fire times after the last
 * place asked while they cover the question. A minute's decision asks each trigger for the fires
 * since its watermark, then for its next three: through the cron library that was ~0.5 ms a
 * trigger, and 1,000 one-minute crons took half a second of the signal service's CPU per minute,
 * the shards deciding one after the other. The answers are the library's own, only kept.
 */
export function memoized(schedule: Schedule): Pick<TimeTriggerPlan, 'between' | 'next'> {
  /** Exactly the first fires after `after` (all of them when fewer than AHEAD). */
  let memo: { after: number; times: number[] } | undefined;
  /** The memo when it holds every fire in (from, to]. */
  const covering = (from: number, to: number) =>
    memo && memo.after <= from && (memo.times.length < AHEAD || memo.times.at(-1)! > to) ? memo : undefined;
  return {
    between(from, to, cap) {
      const m = covering(from, to);
      if (m) {
        const times = m.times.filter((t) => t > from && t <= to);
        if (times.length <= cap) return { times, truncated: false };
      }
      return fireTimesBetween(schedule, from, to, cap);
    },
    next(after, count) {
      if (count <= AHEAD) {
        let rest = memo && memo.after <= after ? memo.times.filter((t) => t > after) : [];
        if (rest.length < count && !(memo && memo.after <= after && memo.times.length < AHEAD)) {
          memo = { after, times: nextFireTimes(schedule, after, AHEAD) };
          rest = memo.times;
        }
        return rest.slice(0, count);
      }
      return nextFireTimes(schedule, after, count);
    },
  };
}

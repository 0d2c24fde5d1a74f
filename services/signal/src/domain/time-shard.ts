import { createHash } from 'node:crypto';
import type { CatchUp } from '@baton/model';

/** Time triggers are planned in this many shards: one ledger key (and one decision per due tick) per shard. */
export const TIME_SHARDS = 16;

export function shardOf(workflowId: string, triggerId: string): number {
  return createHash('sha256').update(`${workflowId}|${triggerId}`).digest().readUInt32BE(0) % TIME_SHARDS;
}

/** One time trigger, as the planner sees it (its schedule compiled by the registry). */
export interface TimeTriggerPlan {
  /** `<workflow>|<trigger id>`. */
  key: string;
  workflowId: string;
  triggerId: string;
  timezone: string;
  /** When the workflow's triggers last changed: nothing before it fires. */
  changedAt: number;
  catchUp: Required<CatchUp>;
  /** Nominal fire times t, from < t <= to, ascending, at most cap. */
  between(fromExclusive: number, toInclusive: number, cap: number): { times: number[]; truncated: boolean };
  /** The first `count` nominal fire times after `after`. */
  next(after: number, count: number): number[];
  /** The deterministic jitter of one nominal fire time (fuzzy_max_delay). */
  delay(nominal: number): number;
}

/** Per trigger key: every nominal fire time up to here has been handled. */
export interface TimeShardState {
  watermarks: Record<string, number>;
}

/** A time fire: StartWorkflow with request id `time:<trigger id>:<nominal ms>` (a repeat starts nothing). */
export interface TimeFire {
  workflowId: string;
  triggerId: string;
  requestId: string;
  /** The nominal fire time (RUN_TS). */
  time: number;
  timezone: string;
}

export interface TimeShardDecision {
  state: TimeShardState;
  fires: TimeFire[];
  /** When the next fire of the shard is due (undefined: none known). */
  wakeAt?: number;
  /** Something worth a decision changed (fires, or a watermark far behind moved). */
  changed: boolean;
}

/** Fire times examined per trigger per decision. */
const SCAN_CAP = 1000;
/** A watermark this far behind is written even when nothing fires, so scans stay short. */
const STALE_MS = 3600_000;

/**
 * Plans a shard's time triggers at `now`. A nominal fire time T is due at T + delay(T). Due
 * times within `graceMs` of now fire (a restart or a slow tick is not downtime); older ones were
 * missed, and the workflow's catch-up says which of those fire: SKIP none, LATEST the latest one
 * (only when none fired on time), ALL the latest `maxRuns`. Pure.
 */
export function decideTimeShard(
  prev: TimeShardState,
  triggers: readonly TimeTriggerPlan[],
  now: number,
  graceMs: number,
): TimeShardDecision {
  const state: TimeShardState = { watermarks: {} };
  const fires: TimeFire[] = [];
  let wakeAt: number | undefined;
  let changed = false;
  for (const t of triggers) {
    const old = prev.watermarks[t.key];
    const lower = Math.max(old ?? Number.NEGATIVE_INFINITY, t.changedAt);
    const { times, truncated } = t.between(lower, now, SCAN_CAP);
    const onTime: number[] = [];
    const missed: number[] = [];
    let watermark = truncated ? (times.at(-1) ?? now) : now;
    for (const T of times) {
      const dueAt = T + t.delay(T);
      if (dueAt > now) {
        watermark = Math.min(watermark, T - 1);
        break;
      }
      if (now - dueAt <= graceMs) onTime.push(T);
      else missed.push(T);
    }
    const picked = [...catchUpOf(t.catchUp, missed, onTime.length), ...onTime];
    for (const T of picked) {
      fires.push({
        workflowId: t.workflowId,
        triggerId: t.triggerId,
        requestId: `time:${t.triggerId}:${T}`,
        time: T,
        timezone: t.timezone,
      });
    }
    state.watermarks[t.key] = Math.max(watermark, old ?? Number.NEGATIVE_INFINITY);
    if (picked.length > 0 || truncated || old === undefined || watermark - (old ?? 0) > STALE_MS)
      changed = true;
    const next = nextDue(t, state.watermarks[t.key]!);
    if (next !== undefined) wakeAt = wakeAt === undefined ? next : Math.min(wakeAt, next);
    if (truncated) wakeAt = now;
  }
  // Triggers gone from the shard (deactivated, deleted) are dropped from its state.
  if (Object.keys(prev.watermarks).some((k) => !(k in state.watermarks))) changed = true;
  return { state, fires, ...(wakeAt !== undefined ? { wakeAt } : {}), changed };
}

function catchUpOf(c: Required<CatchUp>, missed: number[], onTime: number): number[] {
  if (missed.length === 0) return [];
  switch (c.mode) {
    case 'SKIP':
      return [];
    case 'LATEST':
      return onTime > 0 ? [] : [missed.at(-1)!];
    case 'ALL':
      return missed.slice(-c.maxRuns);
  }
}

/** When the first fire after `watermark` is due (its jitter included; a few ahead, as jitter may reorder). */
function nextDue(t: TimeTriggerPlan, watermark: number): number | undefined {
  let best: number | undefined;
  for (const T of t.next(watermark, 3)) {
    const due = T + t.delay(T);
    if (best === undefined || due < best) best = due;
  }
  return best;
}

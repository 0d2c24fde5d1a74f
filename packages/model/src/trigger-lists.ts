import { type CatchUp, parseCatchUp } from './catch-up';
import { type SignalTrigger, parseSignalTriggers } from './signals';
import { type TimeTrigger, parseTimeTriggers } from './time-triggers';
import type { FieldViolation } from './violations';

/** A workflow's triggers as the definition service hands them to the signal service. */
export interface TriggerLists {
  timeTriggers: TimeTrigger[];
  signalTriggers: SignalTrigger[];
  catchUp?: CatchUp;
  violations: FieldViolation[];
}

/**
 * Parses the JSON texts of a workflow's `time_triggers`, `signal_triggers` and
 * `time_trigger_catch_up` (each may be empty). They passed push-time validation already; a
 * violation here means a stored definition this version of Baton no longer accepts.
 */
export function parseTriggerLists(timeJson: string, signalJson: string, catchUpJson = ''): TriggerLists {
  const ctx = { violations: [] as FieldViolation[] };
  const read = (text: string, field: string): unknown => {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (e) {
      ctx.violations.push({ field, description: `not JSON: ${e instanceof Error ? e.message : String(e)}` });
      return undefined;
    }
  };
  const time = read(timeJson, 'time_triggers');
  const signal = read(signalJson, 'signal_triggers');
  const catchUp = read(catchUpJson, 'time_trigger_catch_up');
  const out: TriggerLists = {
    timeTriggers: time === undefined ? [] : (parseTimeTriggers(ctx, 'time_triggers', time) ?? []),
    signalTriggers: signal === undefined ? [] : (parseSignalTriggers(ctx, 'signal_triggers', signal) ?? []),
    violations: ctx.violations,
  };
  if (catchUp !== undefined) {
    const c = parseCatchUp(ctx, 'time_trigger_catch_up', catchUp);
    if (c) out.catchUp = c;
  }
  return out;
}

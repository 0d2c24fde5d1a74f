import type { Cron } from 'croner';

/** A time trigger as @baton/model parses it (defined here because the model depends on us). */
export interface TimeTriggerInput {
  type: 'CRON' | 'PREDEFINED' | 'INTERVAL';
  cron?: string;
  expression?: string;
  timezone?: string;
  interval?: string;
  start?: string;
  fuzzyMaxDelayMs?: number;
}

/** Fires on the local times a cron expression names, in an IANA zone. */
export interface CronSchedule {
  readonly kind: 'cron';
  /** The 5- to 7-field expression (a PREDEFINED name already replaced by its cron). */
  readonly cron: string;
  readonly timezone: string;
  /** Seconds, minutes and hours are fixed values: see README "Daylight saving". */
  readonly fixedTime: boolean;
  readonly fuzzyMaxDelayMs: number;
  /** The library's compiled pattern, reading fields in `timezone`. */
  readonly job: Cron;
  /** The same pattern read on a clock without daylight saving, to list local times inside a gap. */
  readonly wallClock: Cron;
}

/** Fires at `startMs + k * intervalMs` for k ≥ 0: absolute time, no zone. */
export interface IntervalSchedule {
  readonly kind: 'interval';
  readonly startMs: number;
  readonly intervalMs: number;
  readonly fuzzyMaxDelayMs: number;
}

/** A compiled schedule: pure data plus what the library needs (no I/O, no clock). */
export type Schedule = CronSchedule | IntervalSchedule;

export type CompileField = 'cron' | 'expression' | 'timezone' | 'interval' | 'start';

export type CompileResult =
  | { ok: true; schedule: Schedule }
  | { ok: false; field: CompileField; message: string };

// The status vocabularies of runs, steps and attempts: one definition for the services (the
// scheduler decides with them, step-runtime reports them) and the CLI (which colours and groups them).

/** Workflow instance states. */
export const INSTANCE_STATUSES = [
  'CREATED',
  'IN_PROGRESS',
  'PAUSED',
  'TIMED_OUT',
  'STOPPED',
  'FAILED',
  'SUCCEEDED',
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Step states: Maestro's, plus UNSATISFIED (no incoming edge held). */
export const STEP_STATUSES = [
  'NOT_CREATED',
  'CREATED',
  'INITIALIZED',
  'PAUSED',
  'WAITING_FOR_SIGNALS',
  'EVALUATING_PARAMS',
  'WAITING_FOR_PERMITS',
  'STARTING',
  'RUNNING',
  'FINISHING',
  'DISABLED',
  'UNSATISFIED',
  'SKIPPED',
  'SUCCEEDED',
  'COMPLETED_WITH_ERROR',
  'USER_FAILED',
  'PLATFORM_FAILED',
  'FATALLY_FAILED',
  'INTERNALLY_FAILED',
  'STOPPED',
  'TIMED_OUT',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** What a worker reports for one attempt. */
export const ATTEMPT_RESULTS = [
  'SUCCEEDED',
  'USER_FAILED',
  'FATALLY_FAILED',
  'PLATFORM_FAILED',
  'TIMED_OUT',
  'STOPPED',
] as const;
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];

/** An attempt's own status: in flight (STARTING, RUNNING) or a result. */
export type AttemptStatus = 'STARTING' | 'RUNNING' | AttemptResult;

const TERMINAL_INSTANCE = new Set<InstanceStatus>(['TIMED_OUT', 'STOPPED', 'FAILED', 'SUCCEEDED']);

/** A terminal instance never changes again (within its run; a restart is a new run). */
export function isInstanceTerminal(s: InstanceStatus): boolean {
  return TERMINAL_INSTANCE.has(s);
}

/**
 * Terminal step states that let the DAG go on: successors are evaluated after them. These are also
 * the states Maestro counts as success when it computes the instance status.
 */
const DECIDED = new Set<StepStatus>([
  'DISABLED',
  'UNSATISFIED',
  'SKIPPED',
  'SUCCEEDED',
  'COMPLETED_WITH_ERROR',
]);

/** Terminal step states that block the DAG (successors never start) and fail or stop the instance. */
const BLOCKING = new Set<StepStatus>([
  'USER_FAILED',
  'PLATFORM_FAILED',
  'FATALLY_FAILED',
  'INTERNALLY_FAILED',
  'STOPPED',
  'TIMED_OUT',
]);

export function isDecided(s: StepStatus): boolean {
  return DECIDED.has(s);
}

export function isBlocking(s: StepStatus): boolean {
  return BLOCKING.has(s);
}

/**
 * Terminal = decided or blocking. A step waiting for a retry is INITIALIZED (not terminal): its
 * failed attempt shows in the attempt history and the timeline.
 */
export function isStepTerminal(s: StepStatus): boolean {
  return DECIDED.has(s) || BLOCKING.has(s);
}

/** Step results that are failures (the instance's FAILED and TIMED_OUT too): what a user reads as red. */
const FAILURES = new Set<string>([
  'FAILED',
  'USER_FAILED',
  'PLATFORM_FAILED',
  'FATALLY_FAILED',
  'INTERNALLY_FAILED',
  'TIMED_OUT',
]);

export function isFailureStatus(s: string): boolean {
  return FAILURES.has(s);
}

import type { JsonValue } from './json';
import type { RunParamMap } from './run-params';
import type { SignalRef } from './signal-types';
import type { TriggerInfo } from './trigger-info';
import type { AttemptResult, InstanceStatus } from './statuses';

/**
 * Everything that concerns an instance, as the shell appends it to `instance_events`. Every event
 * has a deterministic `id` (a request id, `<attemptKey>:finished`, `<childKey>:finished`...): the
 * unique insert drops a repeat. decide is a second guard: a report that is not current (an attempt
 * that is not the step's current one, a step already terminal, an iteration not running) changes
 * nothing, so each attempt's result is applied at most once.
 */
export type InstanceEvent =
  | StartEvent
  | AttemptStartedEvent
  | AttemptFinishedEvent
  | AttemptLeaseExpiredEvent
  | TimerEvent
  | InstanceCommandEvent
  | StepCommandEvent
  | RestartFromStepEvent
  | ChildStartedEvent
  | ChildFinishedEvent
  | SignalMatchedEvent
  | BypassSignalsEvent
  | SignalsPublishedEvent
  | PermitsWaitingEvent
  | ResumeStepEvent;

/** Start the run (first run, or a restarted run made by restartSnapshot). Applies only to CREATED. */
export interface StartEvent {
  type: 'start';
  id: string;
  runParams?: RunParamMap;
  stepRunParams?: Record<string, RunParamMap>;
  initiator?: string;
  /** What trigger started the run, when one did (RUN_TS, time zone and signal params come from it). */
  trigger?: TriggerInfo;
}

/** A worker claimed the attempt, or renewed its lease (heartbeat): STARTING → RUNNING. */
export interface AttemptStartedEvent {
  type: 'attemptStarted';
  id: string;
  stepId: string;
  attempt: number;
  attemptKey?: string;
  /** When the worker started the process (epoch ms); the attempt's startedAt. */
  at?: number;
  /** The worker that claimed the attempt. */
  worker?: string;
}

export interface AttemptFinishedEvent {
  type: 'attemptFinished';
  id: string;
  stepId: string;
  attempt: number;
  /** When given, must equal the attempt's key (a mismatch is a stale report). */
  attemptKey?: string;
  status: AttemptResult;
  outputs?: Record<string, JsonValue>;
  message?: string;
  /** When the worker's process started and ended (epoch ms), when it says. */
  startedAt?: number;
  endedAt?: number;
  /** The worker that ran the attempt. */
  worker?: string;
}

/**
 * The worker stopped renewing its lease: a platform error. The step gets a NEW attempt (new number,
 * new key) under the platform retry policy; the lost attempt is cancelled, never re-run.
 */
export interface AttemptLeaseExpiredEvent {
  type: 'attemptLeaseExpired';
  id: string;
  stepId: string;
  attempt: number;
  attemptKey?: string;
}

/**
 * The permit gate holds a dispatched attempt back: a tag it carries (the workflow's step
 * concurrency, its instance tree's, a user tag permit) has no permit left. The gate starts it by
 * itself once one is given back; until then the step shows WAITING_FOR_PERMITS (id `<attemptKey>:permits`).
 */
export interface PermitsWaitingEvent {
  type: 'permitsWaiting';
  id: string;
  stepId: string;
  attempt: number;
  attemptKey: string;
  /** The tag it waits on (`workflow:<id>`, `instance:<key>` or a user tag). */
  tag: string;
}

/**
 * A step paused at a breakpoint goes on: an operator resumed it (ResumeStep: `attempt` when named),
 * or its breakpoint was deleted (`breakpointId`: only a step paused at that one).
 */
export interface ResumeStepEvent {
  type: 'resumeStep';
  id: string;
  stepId: string;
  attempt?: number;
  breakpointId?: string;
  reason?: string;
}

/** A wake-up. decide re-examines due timers on every call anyway; this only triggers a call. */
export interface TimerEvent {
  type: 'timer';
  id: string;
}

/** Instance commands: stop (→ STOPPED), kill (→ FAILED), pause/resume, timeout (→ TIMED_OUT). */
export interface InstanceCommandEvent {
  type: 'stop' | 'kill' | 'pause' | 'resume' | 'timeout';
  id: string;
  reason?: string;
}

/** Step commands: stop (→ STOPPED), skip (→ SKIPPED, downstream continues). */
export interface StepCommandEvent {
  type: 'stopStep' | 'skipStep';
  id: string;
  stepId: string;
  reason?: string;
}

/** Reset a step and everything downstream of it, within the current run, and run it again. */
export interface RestartFromStepEvent {
  type: 'restartFromStep';
  id: string;
  stepId: string;
}

/** The shell created the child instance `childKey` (subworkflow async mode succeeds here). */
export interface ChildStartedEvent {
  type: 'childStarted';
  id: string;
  stepId: string;
  iteration: number;
  childKey: string;
}

/**
 * A child instance ended (or could not be created: status FAILED with a message), or — for a
 * startChild with `previous` — an earlier run's iteration that had SUCCEEDED was taken instead of
 * running it again (`reusedFrom` = that child's key, `outputs` = its outputs). The shell copies
 * NotifyParentAction's fields as they are.
 */
export interface ChildFinishedEvent {
  type: 'childFinished';
  id: string;
  stepId: string;
  iteration: number;
  childKey: string;
  status: InstanceStatus;
  /** Outputs of the child's steps: stepId → name → value. */
  outputs?: Record<string, Record<string, JsonValue>>;
  /** The child's params as its steps left them (NotifyParentAction.params): a while loop's next values. */
  params?: Record<string, JsonValue>;
  /** The iteration was not run again: this earlier child had SUCCEEDED. */
  reusedFrom?: string;
  message?: string;
  /** The child's leaf steps by status, its own descendants included (NotifyParentAction.leafCounts). */
  leafCounts?: Record<string, number>;
}

/** The signal service matched dependency `index` of a step's wait `waitKey` (id `<waitKey>:<index>`). */
export interface SignalMatchedEvent {
  type: 'signalMatched';
  id: string;
  stepId: string;
  waitKey: string;
  index: number;
  signal: SignalRef;
}

/** An operator lets a step waiting on signals go on without them. */
export interface BypassSignalsEvent {
  type: 'bypassSignals';
  id: string;
  stepId: string;
  reason?: string;
}

/** The signals a step's outputs published, with their seqs (id = the publishSignals action key). */
export interface SignalsPublishedEvent {
  type: 'signalsPublished';
  id: string;
  stepId: string;
  attemptKey: string;
  signals: SignalRef[];
}

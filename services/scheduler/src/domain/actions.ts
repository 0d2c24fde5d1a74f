import type { StepType } from '@baton/model';
import type { JsonObject } from './json';
import type { SignalMatch } from './signal-types';
import type { TriggerInfo } from './trigger-info';
import type { InstanceStatus } from './statuses';

/**
 * What the shell performs after inserting a decision. Each action has a deterministic `key`:
 * performing it twice (a decision re-applied after a crash) has no second effect (enqueue keyed by
 * attempt key, child insert keyed by child key, event insert keyed by `key`). Timers are not
 * actions: the snapshot's `nextWakeAt` is.
 */
export type Action =
  | DispatchAttemptAction
  | CancelAttemptAction
  | StartChildAction
  | StopChildAction
  | NotifyParentAction
  | InstanceEndedAction
  | WaitSignalsAction
  | CancelWaitAction
  | PublishSignalsAction
  | StepPausedAction;

/** Enqueue one attempt for step-runtime (stream per pool). */
export interface DispatchAttemptAction {
  type: 'dispatchAttempt';
  /** = attemptKey. */
  key: string;
  instanceKey: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  attempt: number;
  /** `<instance key>:<stepId>:<attempt>`: unique per attempt, the idempotency key of user code. */
  attemptKey: string;
  stepType: StepType;
  params: JsonObject;
  timeoutSeconds?: number;
  pool: string;
  /**
   * The user tags the attempt carries (its step's and its workflow's, by name): each takes a permit
   * of that tag while the attempt runs, capped by the tag's permit when one is set. Absent = none.
   */
  tags?: string[];
}

/** Kill an attempt's process group (step stop, instance stop/kill/timeout, step timeout, lost lease). */
export interface CancelAttemptAction {
  type: 'cancelAttempt';
  /** `<attemptKey>:cancel`. */
  key: string;
  attemptKey: string;
  stepId: string;
  attempt: number;
  reason: string;
}

/** What a child instance runs. */
export type ChildRun =
  | { kind: 'subworkflow'; workflowId: string; version: string }
  /**
   * The parent workflow's nested `steps` of step `stepId` (same definition version): one iteration
   * of a foreach or of a while step (run-context's nestedSteps finds both).
   */
  | { kind: 'foreach'; workflowId: string; stepId: string };

/**
 * Create a child instance keyed by `childKey` (unique insert), then start it with `params`.
 *
 * `previous` (a foreach restarted FROM_INCOMPLETE): the keys this iteration had in earlier runs,
 * newest first. The shell takes the FIRST of them that exists as a child instance:
 * - it ended SUCCEEDED → create nothing; append `childFinished` (id `<childKey>:finished`,
 *   status SUCCEEDED, that child's step outputs, `reusedFrom` = its key) to the parent;
 * - anything else (failed, stopped, still running) → create and start `childKey` as usual (it may
 *   be made from `restartSnapshot` of that child, with `child` options, to rerun only its own
 *   unfinished part);
 * - none exists → create and start `childKey` as usual.
 */
export interface StartChildAction {
  type: 'startChild';
  /** = childKey. */
  key: string;
  /** `<parent instance key>:<stepId>:<iteration>`. */
  childKey: string;
  parentKey: string;
  stepId: string;
  iteration: number;
  run: ChildRun;
  params: JsonObject;
  depth: number;
  initiator?: string;
  /** The parent's trigger: the child reads the same trigger time zone and signals. */
  trigger?: TriggerInfo;
  previous?: string[];
}

export interface StopChildAction {
  type: 'stopChild';
  /** `<childKey>:stop` or `<childKey>:kill`. */
  key: string;
  childKey: string;
  kill: boolean;
  reason: string;
}

/** This child instance ended: the shell appends a childFinished event to the parent. */
export interface NotifyParentAction {
  type: 'notifyParent';
  /** `<childKey>:finished`: also the id of the parent's event. */
  key: string;
  parentKey: string;
  childKey: string;
  stepId: string;
  iteration: number;
  status: InstanceStatus;
  outputs: Record<string, JsonObject>;
  /**
   * The child's params its steps declared again or output (see `paramUpdates`): a while loop takes
   * its next loop values from here. Absent when none.
   */
  params?: JsonObject;
  message?: string;
  /** The child's leaf steps by status, its own descendants included (see leafCounts). */
  leafCounts?: Record<string, number>;
}

/** The run ended: release its run-strategy slot, close watchers. */
export interface InstanceEndedAction {
  type: 'instanceEnded';
  /** `<instance key>:ended`. */
  key: string;
  instanceKey: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  status: InstanceStatus;
  message?: string;
}

/**
 * Register a step's wait for signals with the signal service (idempotent by waitKey); it reports
 * each dependency's match as a signalMatched event.
 */
export interface WaitSignalsAction {
  type: 'waitSignals';
  /** `<waitKey>:wait`. */
  key: string;
  /** `<instance key>:<stepId>:w<n>`: one per wait of one step. */
  waitKey: string;
  instanceKey: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  deps: { name: string; match: SignalMatch[] }[];
}

/** The step no longer waits (stopped, skipped, bypassed, run ended): drop its wait. Best effort. */
export interface CancelWaitAction {
  type: 'cancelWait';
  /** `<waitKey>:cancel`. */
  key: string;
  waitKey: string;
}

/**
 * Publish a succeeded step's signal outputs (request ids from the attempt key: a repeat publishes
 * nothing twice), then append signalsPublished (id = key) to the instance with their seqs.
 */
export interface PublishSignalsAction {
  type: 'publishSignals';
  /** `<attemptKey>:signals`. */
  key: string;
  instanceKey: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  attemptKey: string;
  signals: {
    name: string;
    params: Record<string, { type: 'LONG' | 'STRING'; value: string }>;
    payload: JsonObject;
    requestId: string;
  }[];
}

/**
 * A step paused at a breakpoint: the shell records where (`breakpoint_pauses`), so deleting the
 * breakpoint wakes this run (decide also resumes it on its next decision without the breakpoint).
 */
export interface StepPausedAction {
  type: 'stepPaused';
  /** `<instance key>:<stepId>:<attempt>:paused`. */
  key: string;
  instanceKey: string;
  stepId: string;
  attempt: number;
  breakpointId: string;
}

/** One transition, for the instance's timeline log. */
export interface TimelineEntry {
  time: number;
  stepId?: string;
  attempt?: number;
  status: string;
  message?: string;
}

export function attemptKeyOf(instanceKey: string, stepId: string, attempt: number): string {
  return `${instanceKey}:${stepId}:${attempt}`;
}

export function childKeyOf(instanceKey: string, stepId: string, iteration: number): string {
  return `${instanceKey}:${stepId}:${iteration}`;
}

export function instanceKeyOf(workflowId: string, instanceId: number, runId: number): string {
  return `${workflowId}:${instanceId}:${runId}`;
}

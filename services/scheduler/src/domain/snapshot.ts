import type { PublishSignalsAction } from './actions';
import type { JsonObject } from './json';
import type { SignalRef, StepSignals } from './signal-types';
import type { RunParamMap } from './run-params';
import type { TriggerInfo } from './trigger-info';
import type { AttemptStatus, InstanceStatus, RetryKind, StepStatus } from './statuses';

/** One attempt of a step. Its `key` is the idempotency key user code receives. */
export interface AttemptRecord {
  attempt: number;
  /** `<instance key>:<stepId>:<attempt>`; a new attempt always gets a new key. */
  key: string;
  status: AttemptStatus;
  /** Why it ended, when it did not succeed ("lease expired", the worker's error message...). */
  message?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** The step-runtime worker that ran it, as its reports name it. */
  worker?: string;
}

/**
 * Child instances of a foreach, while or subworkflow step, kept as counters: the parent's size is
 * O(1) in the number of iterations. `running` lists the iterations started and not finished (at
 * most `concurrency` of them): a finished report for any other iteration is stale and ignored.
 */
export interface ChildState {
  kind: 'foreach' | 'while' | 'subworkflow';
  /** foreach: the iterations of the product; while: the iterations started so far (= next). */
  total: number;
  /** Checkpoint: the next iteration index to launch (0-based). */
  next: number;
  running: number[];
  succeeded: number;
  failed: number;
  stopped: number;
  concurrency: number;
  /** foreach: loop variable names and their evaluated arrays (the Cartesian product's factors). */
  loopNames?: string[];
  loopValues?: JsonObject;
  /** while: the current loop params (evaluated once at the start, then updated by each iteration). */
  loopState?: JsonObject;
  /** foreach after a restart: iterations that had SUCCEEDED in an earlier run and were not rerun. */
  reused?: number;
  /** First failure seen, reported as the step's message. */
  firstError?: string;
  /** subworkflow: the child's step outputs (params.getFromSubworkflow). */
  stepOutputs?: Record<string, JsonObject>;
  /** subworkflow: the child has been created (the async mode succeeds here). */
  started?: boolean;
  /** Leaf steps by status summed over the ended children's own rollups (see leafCounts). */
  leafCounts?: Record<string, number>;
}

/**
 * An earlier run of a restarted foreach step: iterations below `launched` were started in the run
 * whose instance key is `key` (child keys `<key>:<stepId>:<iteration>`). One entry per restart,
 * never per iteration.
 */
export interface PriorRun {
  key: string;
  launched: number;
}

/** The state of one step of this instance's level. */
export interface StepState {
  id: string;
  status: StepStatus;
  /** Predecessors not decided yet (see isDecided); the step is evaluated when this reaches 0. */
  waiting: number;
  /** Some incoming edge evaluated true (roots: always). */
  enabled: boolean;
  /** The current attempt number (0 before the first). */
  attempt: number;
  attempts: AttemptRecord[];
  retries: Record<RetryKind, number>;
  /** Evaluated params of the current attempt. */
  params?: JsonObject;
  outputs?: JsonObject;
  /** Successor id → its edge condition's value, evaluated when this step was decided. */
  conds?: Record<string, boolean>;
  /** Retry backoff due time (INITIALIZED) or Sleep end (RUNNING Sleep), epoch ms. */
  dueAt?: number;
  /**
   * The tag whose permit the current (STARTING) attempt waits for in the permit gate; shown as
   * WAITING_FOR_PERMITS. Cleared when the attempt runs or ends.
   */
  permitTag?: string;
  /** PAUSED: the breakpoint the next attempt stopped at. */
  breakpoint?: string;
  /** The attempt an operator let through its breakpoints (it pauses no more). */
  resumedAttempt?: number;
  /** The current attempt's deadline (step timeout), epoch ms. */
  timeoutAt?: number;
  createdAt?: number;
  startedAt?: number;
  endedAt?: number;
  message?: string;
  child?: ChildState;
  /**
   * foreach restarted FROM_INCOMPLETE: the earlier runs, newest first. An iteration that SUCCEEDED
   * in the newest of them that started it is not run again (see StartChildAction.previous).
   */
  prior?: PriorRun[];
  /** Signal dependencies of the step's current wait (see StepSignals). */
  signals?: StepSignals;
  /** Waits begun so far (a restart from this step waits again, under a new wait key). */
  waits?: number;
  /** Signals the user code listed in `baton_signals`, published when the step succeeds. */
  dynamicSignals?: PublishSignalsAction['signals'];
  /** Signals the step published when it succeeded. */
  published?: SignalRef[];
}

/** Where a child instance (foreach/while iteration, subworkflow) hangs in its parent. */
export interface ParentRef {
  /** The parent instance's key. */
  key: string;
  workflowId: string;
  stepId: string;
  iteration: number;
}

/**
 * Everything decide needs about one run of an instance. Plain JSON (times are epoch ms), O(steps of
 * this level): loops are child instances, never entries here. The timeline is not kept: each decide
 * returns its new entries for the shell to append.
 */
export interface InstanceSnapshot {
  workflowId: string;
  instanceId: number;
  runId: number;
  /** `<workflowId>:<instanceId>:<runId>`, or the child key `<parent key>:<stepId>:<iteration>`. */
  key: string;
  parent?: ParentRef;
  /** Nesting depth: 0 for a top-level instance. */
  depth: number;
  /** Decision number: the shell inserts `decisions._id = <key>:<seq>` for the snapshot decide returns. */
  seq: number;
  status: InstanceStatus;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  initiator?: string;
  /** The trigger that started the run (kept by a restart and passed down to child instances). */
  trigger?: TriggerInfo;
  /** Why the instance ended, when not SUCCEEDED. */
  message?: string;
  /** Forced end reason (stop, kill, timeout, FAIL_IMMEDIATELY): wins over the computed status. */
  forced?: InstanceStatus;
  /** Evaluated instance params. */
  params: JsonObject;
  runParams?: RunParamMap;
  restartParams?: RunParamMap;
  stepRunParams?: Record<string, RunParamMap>;
  steps: StepState[];
  /** Non-terminal steps that have started (dispatched, sleeping, backing off, waiting on children). */
  active: string[];
  /** Ready steps waiting to start (CREATED, WAITING_FOR_PERMITS, or a retry whose backoff is due). */
  queue: string[];
  /** Steps in a blocking state (failed or stopped): while any, no new step starts. */
  blocked: string[];
  timeoutAt?: number;
  /** Earliest due timer; the sweeper re-queues the instance when it passes. */
  nextWakeAt?: number;
}

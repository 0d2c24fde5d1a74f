/**
 * The scheduler's domain: the pure decide function and everything the shell needs around it. No
 * I/O, no clock, no randomness; snapshots, events and actions are plain JSON.
 *
 * How the shell uses it (docs/architecture.md, The decision log):
 *
 * 1. StartWorkflow: `validateRunParams(def, runParams, {stepRunParams})` → INVALID_ARGUMENT with the
 *    violations, else store `newInstanceSnapshot(ctx, identity, now)` (status CREATED, seq 0) and,
 *    when the run strategy lets it run, append a `start` event. A run a trigger started carries a
 *    `TriggerInfo` (on the snapshot and the start event): its fire time is RUN_TS, its zone and
 *    signals feed the default params (default-params.ts) and `params.getFromSignal`.
 * 2. Every request or report becomes an `InstanceEvent` with a deterministic `id`, inserted into
 *    `instance_events` (duplicate key = already accepted), then the instance key is pushed to the
 *    ready-queue.
 * 3. A replica holding the instance lock loads the head snapshot and the unprocessed events and
 *    calls `decide(snapshot, events, now, ctx)` with `ctx = {workflow, steps?, stepConcurrency,
 *    config}` (`steps` = the nested list for a foreach iteration's child instance). It inserts
 *    `decisions._id = <snapshot.key>:<result.snapshot.seq>` holding the consumed event ids, the
 *    new snapshot, the actions and the timeline entries: that insert is the fence. Then it writes
 *    the snapshot (stamped with seq), appends the timeline, performs each action idempotently by its
 *    `key`, and marks the decision applied.
 * 4. Actions: `dispatchAttempt` → enqueue for step-runtime (claim id = attemptKey);
 *    `cancelAttempt` → kill the attempt's process group; `startChild` → insert the child instance
 *    keyed by childKey (`newInstanceSnapshot` with `parent`, `key: childKey`) plus its `start` event
 *    with the given params as run params, then append `childStarted` to the parent (or
 *    `childFinished` FAILED when it cannot be created, e.g. an unknown subworkflow); with
 *    `previous` (a restarted foreach) the first existing of those earlier child keys that ended
 *    SUCCEEDED is reused instead (see StartChildAction); `run.kind 'foreach'` = the nested steps of
 *    `run.stepId`, a foreach or while step; `stopChild` → append `stop`/`kill` to the child;
 *    `notifyParent` → append `childFinished` (id = action key) to the parent, copying `outputs`,
 *    `params` (a while loop's next values) and `message`; `instanceEnded` → release the
 *    run-strategy slot, close watchers.
 * 4b. `params.getFromForeach` is answered by `ctx.foreachValues` (see DecideContext): the shell
 *    prefetches, from the iterations' child instances (`foreachIterationValue`), the values the
 *    workflow's expressions name.
 * 5. The sweeper re-queues an instance whose `nextWakeAt` ≤ now (decide fires due timers on any
 *    call; a `timer` event is just a trigger) and reports lapsed leases as `attemptLeaseExpired`.
 * 6. Restart: `restartSnapshot(finalSnapshotOfRunN, ctx, {mode, restartParams, fromStepId}, now)`
 *    gives run n+1 (CREATED); validate restart params with phase 'restart'; append `start`.
 */
export { decide, type Decision } from './decide';
export type { InstanceSnapshot, StepState, AttemptRecord, ChildState, ParentRef, PriorRun } from './snapshot';
export { foreachIterationValue } from './scopes';
export type { SignalRef, SignalMatch, StepSignals } from './signal-types';
export type { TriggerInfo } from './trigger-info';
export type {
  InstanceEvent,
  StartEvent,
  AttemptStartedEvent,
  AttemptFinishedEvent,
  AttemptLeaseExpiredEvent,
  TimerEvent,
  InstanceCommandEvent,
  StepCommandEvent,
  RestartFromStepEvent,
  ChildStartedEvent,
  ChildFinishedEvent,
  SignalMatchedEvent,
  BypassSignalsEvent,
  SignalsPublishedEvent,
} from './events';
export {
  type Action,
  type DispatchAttemptAction,
  type CancelAttemptAction,
  type StartChildAction,
  type StopChildAction,
  type NotifyParentAction,
  type InstanceEndedAction,
  type WaitSignalsAction,
  type CancelWaitAction,
  type PublishSignalsAction,
  type ChildRun,
  type TimelineEntry,
  attemptKeyOf,
  childKeyOf,
  instanceKeyOf,
} from './actions';
export type { BreakpointRule } from './breakpoints';
export {
  type DecideContext,
  type EngineConfig,
  ENGINE_DEFAULTS,
  instancePermitTag,
  workflowPermitTag,
} from './context';
export { newInstanceSnapshot, type NewInstance } from './new-snapshot';
export { restartSnapshot, type RestartMode, type RestartOptions } from './restart';
export {
  validateRunParams,
  inferType,
  type RunParam,
  type RunParamMap,
  type FieldViolation,
  type ParamPhase,
} from './run-params';
export { finalStatus } from './instance-end';
export { leafCounts, type LeafCounts } from './rollup';
export { admit, type Admission, type QueueEntry, type RunStrategyRule } from './run-strategy';
export { resolveRetryPolicy, backoffSeconds, type ResolvedRetryPolicy } from './retry-policy';
export { resolveDuration } from './timeouts';
export { type JsonValue, type JsonObject, toJson } from './json';
export {
  INSTANCE_STATUSES,
  STEP_STATUSES,
  ATTEMPT_RESULTS,
  type InstanceStatus,
  type StepStatus,
  type AttemptStatus,
  type AttemptResult,
  type RetryKind,
  isInstanceTerminal,
  isStepTerminal,
  isDecided,
  isBlocking,
} from './statuses';
export {
  retentionCutoff,
  instanceExpired,
  childKeysOf,
  type ChildProbe,
  type RunFacts,
} from './retention';

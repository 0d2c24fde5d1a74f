import type { Action, InstanceStatus, TimelineEntry } from '../domain';

/**
 * Documents of the scheduler. It owns `instances`, `decisions`, `instance_events`
 * and `start_requests`; other services call it. Every hot read is by `_id`
 * (FerretDB scans the collection for any other filter), and every fence is a
 * unique `_id` insert (FerretDB's updates are not atomic; inserts are).
 */

/**
 * instances, kind "instance": `_id = <workflowId>:<instanceId>`. Its insert allocates
 * the instance id (ids are gapless per workflow: 1, 2, 3...).
 */
export interface InstanceDoc {
  _id: string;
  kind: 'instance';
  workflow_id: string;
  instance_id: number;
  workflow_version: number;
  request_id: string;
  created_at: Date;
  /** The run strategy in force when it was started (properties snapshot). */
  run_strategy: { rule: string; workflow_concurrency: number };
  /**
   * The start event's payload, appended when the run strategy lets the instance run. Params and
   * trigger are JSON text: their keys are user data, which may hold `.` or `$`.
   */
  start: { run_params?: string; initiator?: string; trigger?: string };
  /**
   * Set by the retention sweep before it deletes anything of the instance: how many runs it had.
   * From then on the instance reads as not found, and a sweep that died halfway finishes the job.
   */
  purging?: { runs: number; at: Date };
}

/**
 * What is left of an instance deleted under INSTANCE_RETENTION_DAYS: its id stays taken (ids are
 * allocated by inserting `<workflowId>:<n>` after the latest existing one, so a deleted document
 * would let the allocator hand the id out again).
 */
export interface PurgedInstanceDoc {
  _id: string;
  kind: 'instance';
  workflow_id: string;
  instance_id: number;
  created_at: Date;
  purged_at: Date;
}

/** workflow_queues: `_id = <workflowId>`: where admission scans from (a lower bound, see WorkflowQueue). */
export interface QueueDoc {
  _id: string;
  cursor: number;
  updated_at: number;
}

/** workflow_queues `_id = <workflow>:paused`: the workflow is paused (PauseWorkflow). */
export interface PausedWorkflowDoc {
  _id: string;
  reason: string;
  paused_at: number;
}

/** What a child instance runs (kept on its head so any replica can rebuild its context). */
export type RunRef =
  | { kind: 'workflow' }
  | { kind: 'subworkflow'; workflowId: string; version: number }
  | { kind: 'foreach'; workflowId: string; version: number; stepId: string; ancestors: string[] };

/**
 * instances, kind "run": the head of one run, `_id` = the instance key
 * (`<workflowId>:<instanceId>:<runId>`, or a child key). Small on purpose: the
 * sweeper scans heads. `seq` is the last decision applied; the decision log is
 * the truth (a newer inserted decision is re-applied before anything else).
 */
export interface RunHead {
  _id: string;
  kind: 'run';
  workflow_id: string;
  instance_id: number;
  run_id: number;
  workflow_version: number;
  run: RunRef;
  parent_key?: string;
  step_concurrency?: number;
  /**
   * The reserved permit tags its leaf steps take, with their limits (see run-permits): the
   * workflow's step_concurrency and the instance_step_concurrency of each tree it belongs to.
   * Absent on runs made before permits: they take user tag permits only.
   */
  permits?: [tag: string, limit: number][];
  seq: number;
  status: InstanceStatus;
  next_wake_at?: number;
  /** Attempts dispatched and not finished: what the sweeper asks step-runtime about. */
  inflight: InflightAttempt[];
  /** The newest timeline entries (capped; see TIMELINE_CAP). */
  timeline: TimelineEntry[];
  created_at: number;
  started_at?: number;
  ended_at?: number;
  updated_at: number;
  /**
   * W3C trace context the run was started in (StartWorkflow's, or its parent's decision's): its
   * decisions continue that trace, so one run is one trace. Absent when tracing was off.
   */
  trace?: { traceparent: string; tracestate: string };
}

/** An attempt dispatched and not finished (see RunHead.inflight). */
export interface InflightAttempt {
  key: string;
  step: string;
  attempt: number;
  since: number;
  /** Its user permit tags (the dispatch's `tags`): given back with the reserved ones when it ends. */
  tags?: string[];
}

/** How many timeline entries a head keeps (oldest dropped first); each decision keeps its own. */
export const TIMELINE_CAP = 200;

/** decisions: `_id = <instance key>:<seq>`; seq 0 is the run's first snapshot. The insert is the fence. */
export interface DecisionDoc {
  _id: string;
  key: string;
  seq: number;
  /** The snapshot after this decision (JSON text of InstanceSnapshot). */
  snapshot: string;
  /** The instance_events it consumed (marked consumed). */
  consumed: string[];
  /** The child_events it consumed (deleted once consumed). */
  inbox?: string[];
  /** How many reports of children that ended as they were created it consumed (never stored as events). */
  carried?: number;
  actions: Action[];
  timeline: TimelineEntry[];
  created_at: number;
}

/** instance_events: `_id` = the event's deterministic id; a duplicate insert is an accepted repeat. */
export interface EventDoc {
  _id: string;
  key: string;
  /** JSON text of the InstanceEvent. */
  event: string;
  created_at: number;
  /** The decision that consumed it (unset while pending). */
  consumed_seq?: number;
}

/**
 * child_events: `_id` = `<childKey>:finished`. An inbox of childFinished events, separate from
 * instance_events because a foreach produces one per iteration: they are inserted in batches and
 * deleted once a decision consumed them, so the collection holds only pending events and stays
 * small (FerretDB scans for any filter but `_id`, so `$in` reads and deletes stay cheap). A repeat
 * after the delete is harmless: decide ignores a child that is not running.
 */
export interface ChildEventDoc {
  _id: string;
  key: string;
  event: string;
  created_at: number;
}

/**
 * live_runs: `_id` = the key of a run that has not ended. Inserted before its head, deleted
 * after its head was written ended. The sweeper reads heads from this short list instead of
 * scanning every head (a million finished iterations must not slow the sweep). A stale entry
 * (the run ended) is removed by the sweeper.
 */
export interface LiveRunDoc {
  _id: string;
  created_at: number;
}

/** start_requests: `_id = <workflowId>:<request id>` → the instance it started (idempotent StartWorkflow). */
export interface StartRequestDoc {
  _id: string;
  workflow_id: string;
  instance_id: number | null;
  /** RestartInstance requests: the run the request makes (named before it is created). */
  run_id?: number;
  created_at: number;
}

export const instanceDocId = (workflowId: string, instanceId: number) => `${workflowId}:${instanceId}`;
export const decisionId = (key: string, seq: number) => `${key}:${seq}`;

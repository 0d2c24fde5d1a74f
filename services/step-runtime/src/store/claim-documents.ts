/** What a claim records about the attempt, so that its result can be re-sent by any replica. */
export interface ClaimTarget {
  workflowId: string;
  instanceKey: string;
  instanceId: number;
  runId: number;
  stepId: string;
  attempt: number;
  stepType: string;
  pool: string;
  /** The run's W3C trace context (from the work message): a report re-sent later joins the trace. */
  trace?: { traceparent: string; tracestate: string };
}

/** The recorded end of an attempt (what ReportAttempt carries). */
export interface AttemptResult {
  status: string;
  error: string;
  /** The plain output params as JSON text (keys may hold dots or `$`, which documents cannot). */
  outputs_json: string;
  exit_code?: number;
  log_bytes?: number;
  /** When the process started and ended (epoch ms, this worker's clock). */
  started_at?: number;
  ended_at?: number;
}

/**
 * `step_claims._id = <attemptKey>`: the one document that says a worker owns an attempt. Inserted
 * once (the unique insert is the claim); afterwards written only by its worker (lease, result,
 * reported) — or by a re-sending sweeper, which only sets `reported`. A claim with `worker: null`
 * is a tombstone written by CancelAttempt before any worker claimed: the attempt never runs.
 */
export interface ClaimDoc {
  _id: string;
  worker: string | null;
  claimed_at: Date;
  lease_until: Date | null;
  cancel_requested: boolean;
  cancel_reason?: string;
  target?: ClaimTarget;
  result?: AttemptResult;
  finished_at?: Date;
  reported: boolean;
  /** Set when the scheduler rejected the report for good (INVALID_ARGUMENT, NOT_FOUND…). */
  report_rejected?: string;
}

/**
 * `step_claims._id = <attemptKey>:cancel`: a cancel request for a claimed attempt. A separate
 * insert, not a flag set on the claim: FerretDB applies an update as read-then-write of the
 * whole document, so a `$set` from CancelAttempt racing the worker's lease or result write could
 * silently undo one of them. The claim keeps one writer; the marker is an atomic insert.
 */
export interface CancelMarkerDoc {
  _id: string;
  kind: 'cancel';
  attempt_key: string;
  reason: string;
  requested_at: Date;
}

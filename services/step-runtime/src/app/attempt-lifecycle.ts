import { type Span, inSpan, traceContextOf } from '@baton/kit';
import type { ParamValue } from '@baton/proto';
import { type Dispatch, isRunnableType } from '../domain/dispatch.js';
import { parseDispatch } from '../redis/work-message.js';
import { stepRuntimeMetrics } from './step-runtime-metrics.js';
import { convertOutputs } from '../domain/outputs.js';
import type { QueueMessage, WorkQueue } from '../redis/work-queue.js';
import { type AttemptOutcome, type RunnerOptions, runAttempt } from '../runner/index.js';
import type { AttemptResult, ClaimTarget } from '../store/claim-documents.js';
import type { ClaimsStore } from '../store/claims-store.js';
import { LogWriter } from '../store/log-writer.js';
import type { ArtifactsStore } from '../store/artifacts-store.js';
import type { LogsStore } from '../store/logs-store.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { Log } from './log.js';
import type { ReportDelivery } from './report-delivery.js';
import type { AttemptEntry, RunningAttempts } from './running-attempts.js';

export interface LifecycleDeps {
  queue: WorkQueue;
  claims: ClaimsStore;
  logs: LogsStore;
  /** Where an attempt's kept file (the executed notebook) is stored before its result is reported. */
  artifacts: ArtifactsStore;
  running: RunningAttempts;
  delivery: ReportDelivery;
  worker: string;
  leaseMs: number;
  /** Runner options without onLog (set per attempt). */
  runner: Omit<RunnerOptions, 'onLog'>;
  log: Log;
}

/**
 * One queue message from receipt to recorded result: claim → ack → report RUNNING → run (lease,
 * logs, cancel) → record the result in the claim → hand the report to the delivery (which
 * retries in the background, so the slot is free as soon as the result is durable).
 */
export class AttemptLifecycle {
  constructor(private readonly d: LifecycleDeps) {}

  async handle(msg: QueueMessage): Promise<void> {
    const parsed = parseDispatch(msg.body);
    if (!parsed.ok) {
      this.d.log.error(
        { stream: msg.stream, id: msg.id, error: parsed.error },
        'dropping malformed work message',
      );
      await this.d.queue.done(msg);
      return;
    }
    const dispatch = parsed.dispatch;
    // The attempt continues the trace of the decision that dispatched it (the run's trace).
    await inSpan(
      'attempt',
      {
        'baton.attempt_key': dispatch.attemptKey,
        'baton.step_type': dispatch.stepType,
        'baton.workflow_id': dispatch.workflowId,
        'baton.step_id': dispatch.stepId,
        'baton.attempt': dispatch.attempt,
      },
      (span) => this.handleDispatch(msg, dispatch, span),
      traceContextOf(dispatch.trace),
    );
  }

  private async handleDispatch(msg: QueueMessage, dispatch: Dispatch, span: Span): Promise<void> {
    const log = this.d.log.child({ attemptKey: dispatch.attemptKey });
    const entry = this.d.running.register(dispatch.attemptKey);
    if (!entry) {
      log.debug('duplicate message for an attempt handled here; dropped');
      span.setAttribute('baton.outcome', 'duplicate');
      await this.d.queue.done(msg);
      return;
    }
    try {
      const target = targetOf(dispatch);
      // Errors here (database away) leave the message pending: XAUTOCLAIM redelivers it later.
      const claimed = await this.d.claims.claim(dispatch.attemptKey, this.d.worker, target, this.d.leaseMs);
      // From here the claim document, not the stream, is the truth: ack and delete either way, off
      // the step's path (a lost ack only redelivers a message whose claim then fails).
      void this.d.queue.done(msg).catch((err) => log.warn({ err: String(err) }, 'ack failed (harmless)'));
      if (!claimed) {
        span.setAttribute('baton.outcome', 'taken');
        await this.onTaken(dispatch, log);
        return;
      }
      log.info({ stepType: dispatch.stepType, pool: dispatch.pool }, 'attempt claimed');
      const status = await this.runClaimed(dispatch, target, entry, log);
      span.setAttribute('baton.outcome', status);
    } finally {
      this.d.running.unregister(dispatch.attemptKey);
    }
  }

  /**
   * The claim existed. Usually another worker has the attempt (a duplicate message): drop it.
   * If it is a tombstone — cancelled before any worker claimed — this first worker to see the
   * message reports it STOPPED (recorded first, so a crash leaves it to the sweeper).
   */
  private async onTaken(dispatch: Dispatch, log: Log): Promise<void> {
    const doc = await this.d.claims.get(dispatch.attemptKey);
    if (!doc || doc.worker !== null || doc.result) {
      log.info({ owner: doc?.worker }, 'attempt already claimed; message dropped');
      return;
    }
    const target = targetOf(dispatch);
    const result: AttemptResult = {
      status: 'STOPPED',
      error: `cancelled before it started: ${doc.cancel_reason ?? 'cancel requested'}`,
      outputs_json: '{}',
    };
    log.info('attempt was cancelled before any claim; reporting STOPPED without running it');
    await this.d.claims.recordResult(dispatch.attemptKey, result, target);
    this.d.delivery.deliverInBackground(dispatch.attemptKey, target, result, {}, log);
  }

  private async runClaimed(
    dispatch: Dispatch,
    target: ClaimTarget,
    entry: AttemptEntry,
    log: Log,
  ): Promise<AttemptResult['status']> {
    const key = dispatch.attemptKey;
    const logs = new LogWriter(this.d.logs, key, {
      onError: (err) => log.warn({ err: String(err) }, 'log flush failed; retrying'),
    });
    // The log's meta is written while the process starts: its later flushes queue behind it, and
    // close() is awaited before the result is reported, so a run seen as ended has its whole log.
    void logs.open();
    // RUNNING is reported only for an attempt still running RUNNING_REPORT_DELAY_MS after its
    // claim: most steps of a pipeline end sooner, and their end report alone (which carries the
    // start time) saves the scheduler an event, its decision and a call. The scheduler shows
    // RUNNING only once it decides it anyway, up to 250 ms after the report.
    const claimedAt = Date.now();
    const running = laterRunningReport(() => this.d.delivery.reportRunning(key, target, log, claimedAt));
    let outcome: AttemptOutcome;
    const stepType = dispatch.stepType;
    if (!isRunnableType(stepType)) {
      const now = Date.now();
      outcome = {
        status: 'FATALLY_FAILED',
        error: `step type ${stepType} is not supported by step-runtime`,
        outputs: {},
        startedAt: now,
        endedAt: now,
        logBytes: 0,
        logBytesDropped: 0,
        truncated: false,
      };
    } else {
      const attempt = runAttempt(
        {
          workflowId: dispatch.workflowId,
          instanceId: dispatch.instanceId,
          runId: dispatch.runId,
          stepId: dispatch.stepId,
          attemptId: dispatch.attempt,
          attemptKey: key,
          stepType,
          params: dispatch.params,
          timeoutSeconds: dispatch.timeoutSeconds,
        },
        { ...this.d.runner, onLog: (c) => logs.append(c) },
      );
      entry.attach(attempt);
      const lease = new LeaseKeeper(
        this.d.claims,
        key,
        this.d.leaseMs,
        (reason) => {
          log.info({ reason }, 'cancel found at lease renewal');
          entry.cancel({ reason, shutdown: false });
        },
        log,
      );
      lease.start();
      outcome = await attempt.result;
      lease.stop();
    }
    running.cancel();
    if (!(await logs.close(outcome.truncated))) log.error('could not store the end of the log');
    if (outcome.artifact) {
      // Stored before the result is reported, so a run seen as ended has its notebook to fetch.
      try {
        await this.d.artifacts.put(key, outcome.artifact.name, outcome.artifact.data);
      } catch (err) {
        log.error(
          { err: String(err) },
          `could not store ${outcome.artifact.name}; the result is reported without it`,
        );
      }
    }
    const { result, outputs } = resultOf(outcome, entry);
    log.info(
      { status: result.status, exitCode: outcome.exitCode, ms: outcome.endedAt - outcome.startedAt },
      'attempt ended',
    );
    stepRuntimeMetrics().attemptDuration.record((outcome.endedAt - outcome.startedAt) / 1000, {
      step_type: isRunnableType(stepType) ? stepType : 'OTHER',
      outcome: result.status,
    });
    // The report goes out while the result is being recorded, not after: either one reaching its
    // store is enough (a result the scheduler has makes a later lease expiry moot; a recorded
    // result the scheduler lacks is re-sent by the report sweeper), and the step's successor
    // should not wait for a database write it does not need.
    const recorded = this.d.delivery.record(key, result, log);
    // A RUNNING report already on its way is delivered before the end report.
    await running.done;
    this.d.delivery.deliverInBackground(key, target, result, outputs, log, recorded);
    await recorded;
    return result.status;
  }
}

/** How long an attempt runs before its RUNNING report goes out (ms). */
const RUNNING_REPORT_DELAY_MS = 100;

/** A RUNNING report sent after RUNNING_REPORT_DELAY_MS, unless cancelled before it goes out. */
function laterRunningReport(send: () => Promise<void>): { done: Promise<void>; cancel(): void } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    timer = undefined;
    send().then(resolve, resolve);
  }, RUNNING_REPORT_DELAY_MS);
  return {
    done,
    cancel: () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      resolve();
    },
  };
}

function targetOf(d: Dispatch): ClaimTarget {
  return {
    workflowId: d.workflowId,
    instanceKey: d.instanceKey,
    instanceId: d.instanceId,
    runId: d.runId,
    stepId: d.stepId,
    attempt: d.attempt,
    stepType: d.stepType,
    pool: d.pool,
    ...(d.trace ? { trace: d.trace } : {}),
  };
}

/**
 * The result to record and report. Outputs the engine cannot carry fail the attempt
 * (USER_FAILED); an attempt this replica cancelled because it is shutting down is a
 * PLATFORM_FAILED (the scheduler retries it as a new attempt), not a user's STOPPED.
 */
export function resultOf(
  o: AttemptOutcome,
  entry: { cause?: { reason: string; shutdown: boolean } },
): { result: AttemptResult; outputs: Record<string, ParamValue> } {
  let status: string = o.status;
  let error = o.error ?? '';
  let outputs: Record<string, ParamValue> = {};
  let plain: Record<string, unknown> = {};
  if (o.status === 'STOPPED' && entry.cause?.shutdown) {
    status = 'PLATFORM_FAILED';
    error = `the worker shut down while the attempt ran (${entry.cause.reason})`;
  } else {
    const converted = convertOutputs(o.outputs);
    if (converted.ok) {
      outputs = converted.outputs;
      plain = o.outputs;
    } else if (o.status === 'SUCCEEDED') {
      status = 'USER_FAILED';
      error = converted.error;
    }
  }
  const result: AttemptResult = {
    status,
    error,
    outputs_json: JSON.stringify(plain),
    started_at: o.startedAt,
    ended_at: o.endedAt,
  };
  if (o.exitCode !== undefined) result.exit_code = o.exitCode;
  result.log_bytes = o.logBytes;
  return { result, outputs };
}

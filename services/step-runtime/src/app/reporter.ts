import { inSpan } from '@baton/kit';
import type { ParamValue } from '@baton/proto';
import { backoffMs } from '../domain/backoff.js';
import { convertOutputs } from '../domain/outputs.js';
import type { ReportClient, ReportRequest, SendResult } from '../grpc/report-client.js';
import type { AttemptResult, ClaimTarget } from '../store/claim-documents.js';

export interface DeliverOptions {
  /** Stop retrying when aborted (shutdown); the claim stays unreported for the sweeper. */
  signal?: AbortSignal;
  /** Give up after this many calls. Default: until answered. */
  maxTries?: number;
  /** Deadline of each call. Default: the client's. */
  timeoutMs?: number;
  onRetry?: (tries: number, error: string) => void;
}

/** Builds ReportAttempt requests and sends them until the scheduler answers. */
export class Reporter {
  constructor(
    private readonly client: ReportClient,
    readonly worker: string,
  ) {}

  request(
    attemptKey: string,
    t: ClaimTarget,
    status: string,
    error: string,
    outputs: Record<string, ParamValue>,
    worker = this.worker,
    times: { startedAt?: number; endedAt?: number } = {},
  ): ReportRequest {
    return {
      startedAtMs: String(times.startedAt ?? 0),
      endedAtMs: String(times.endedAt ?? 0),
      workflowId: t.workflowId,
      instanceId: String(t.instanceId),
      runId: String(t.runId),
      stepId: t.stepId,
      attemptId: t.attempt,
      attemptKey,
      status,
      error,
      outputs,
      worker,
    };
  }

  /** The request for a recorded result (re-sent by the sweeper after a crash). */
  fromRecord(attemptKey: string, t: ClaimTarget, r: AttemptResult, worker: string): ReportRequest {
    const converted = convertOutputs(JSON.parse(r.outputs_json || '{}') as Record<string, unknown>);
    return this.request(attemptKey, t, r.status, r.error, converted.ok ? converted.outputs : {}, worker, {
      startedAt: r.started_at,
      endedAt: r.ended_at,
    });
  }

  /**
   * Sends until answered — any answer, applied or not, including a final rejection, is the
   * acknowledgement — with backoff 200 ms → 5 s. Undefined when it gave up (aborted / maxTries).
   */
  deliver(req: ReportRequest, opts: DeliverOptions = {}): Promise<SendResult | undefined> {
    // Called in the attempt's context: the span (and the gRPC call's metadata) joins the run's trace.
    return inSpan(
      'report',
      { 'baton.attempt_key': req.attemptKey, 'baton.status': req.status },
      async (span) => {
        const maxTries = opts.maxTries ?? Number.POSITIVE_INFINITY;
        for (let n = 0; n < maxTries && !opts.signal?.aborted; n++) {
          const res = await this.client.send(req, opts.timeoutMs);
          span.setAttribute('baton.tries', n + 1);
          if (res.answered) return res;
          opts.onRetry?.(n + 1, res.error);
          if (n + 1 < maxTries) await sleep(backoffMs(n), opts.signal);
        }
        return undefined;
      },
    );
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

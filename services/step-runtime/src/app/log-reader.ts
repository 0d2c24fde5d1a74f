import { BatonError } from '@baton/kit';
import { attemptKeyFor } from '../domain/attempt-key.js';
import { logExpired, retentionCutoff } from '../domain/retention.js';
import type { ClaimsStore } from '../store/claims-store.js';
import type { LogChunkDoc, LogMetaDoc, LogsStore } from '../store/logs-store.js';

export interface LogAddress {
  workflowId: string;
  instanceId: number;
  /** 0 = the latest run that has logs for the step. */
  runId: number;
  stepId: string;
  /** 0 = the latest attempt that has logs. */
  attemptId: number;
  follow: boolean;
  offset: number;
}

export interface LogPiece {
  stream: string;
  data: Buffer;
  offset: number;
  time: Date;
}

/** How often a follower looks at the meta document for more. */
const FOLLOW_POLL_MS = 200;
/** Probing for the latest run/attempt stops after this many misses in a row (gaps are rare). */
const PROBE_MISSES = 2;
/** Chunks read ahead in parallel while streaming. */
const READ_AHEAD = 8;

/** GetStepLogs: an attempt's stored log from an offset, optionally following it live. */
export class LogReader {
  /**
   * `claims` and `logRetentionDays` let a missing log be told apart: an attempt whose claim says
   * it ended before the retention cutoff had its log deleted, not never written.
   */
  constructor(
    private readonly logs: LogsStore,
    private readonly claims?: Pick<ClaimsStore, 'get'>,
    private readonly logRetentionDays = 0,
  ) {}

  async stream(a: LogAddress, signal: AbortSignal, send: (p: LogPiece) => Promise<void>): Promise<void> {
    let key = await this.resolve(a);
    if (key === undefined && (await this.expiredAttempt(a))) throw this.expiredError(a);
    while (key === undefined) {
      if (!a.follow)
        throw BatonError.notFound(
          `no logs for ${describe(a)}: the attempt has not started (or does not exist)`,
          'LOGS_NOT_FOUND',
        );
      if (!(await pause(FOLLOW_POLL_MS, signal))) return;
      key = await this.resolve(a);
    }
    let meta = (await this.logs.getMeta(key)) as LogMetaDoc;
    let n = await this.firstChunkAt(key, meta.chunks, a.offset);
    for (;;) {
      while (n < meta.chunks) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(READ_AHEAD, meta.chunks - n) }, (_, i) =>
            this.logs.getChunk(key, n + i),
          ),
        );
        for (const c of batch) {
          if (signal.aborted) return;
          if (!c) {
            // Deleted under our feet by the retention sweep (chunks go first, the meta last)?
            const now = await this.logs.getMeta(key);
            const cutoff = retentionCutoff(this.logRetentionDays, Date.now());
            if (now === null || (cutoff && logExpired(now, cutoff))) throw this.expiredError(a);
            throw new BatonError('INTERNAL', `log chunk ${n} of ${key} is missing`);
          }
          const piece = pieceFrom(c, a.offset);
          if (piece) await send(piece);
          n++;
        }
      }
      if (meta.done || !a.follow) return;
      if (!(await pause(FOLLOW_POLL_MS, signal))) return;
      meta = (await this.logs.getMeta(key)) ?? meta;
    }
  }

  /**
   * True when the addressed attempt (run/attempt 0 = the first: the latest cannot be told once
   * its log is gone) has a claim whose result was recorded before the log retention cutoff.
   * Once the claim has expired too, nothing is left to tell: plain not-found.
   */
  private async expiredAttempt(a: LogAddress): Promise<boolean> {
    const cutoff = retentionCutoff(this.logRetentionDays, Date.now());
    if (!cutoff || !this.claims) return false;
    const key = attemptKeyFor(a.workflowId, a.instanceId, a.runId || 1, a.stepId, a.attemptId || 1);
    const claim = await this.claims.get(key);
    if (!claim?.result) return false;
    return (claim.finished_at ?? claim.claimed_at) < cutoff;
  }

  private expiredError(a: LogAddress): BatonError {
    return BatonError.notFound(
      `the log of ${describe(a)} expired: logs are kept ${this.logRetentionDays} days after their attempt ends (STEP_LOG_RETENTION_DAYS)`,
      'LOGS_EXPIRED',
    );
  }

  /** The attempt key, resolving run 0 / attempt 0 to the latest with logs; undefined if none. */
  /** The attempt key an address names (the latest run / attempt with logs for 0), if any. */
  async resolve(
    a: Pick<LogAddress, 'workflowId' | 'instanceId' | 'runId' | 'stepId' | 'attemptId'>,
  ): Promise<string | undefined> {
    const has = async (run: number, attempt: number) =>
      (await this.logs.getMeta(attemptKeyFor(a.workflowId, a.instanceId, run, a.stepId, attempt))) !== null;
    const runs = a.runId > 0 ? [a.runId] : await this.latest((r) => this.anyAttempt(has, r));
    const run = runs[0];
    if (run === undefined) return undefined;
    if (a.attemptId > 0)
      return (await has(run, a.attemptId))
        ? attemptKeyFor(a.workflowId, a.instanceId, run, a.stepId, a.attemptId)
        : undefined;
    const [attempt] = await this.latest((n) => has(run, n));
    return attempt === undefined
      ? undefined
      : attemptKeyFor(a.workflowId, a.instanceId, run, a.stepId, attempt);
  }

  /** A run has logs for the step if one of its first attempts has (probing 1..PROBE_MISSES+1). */
  private async anyAttempt(
    has: (run: number, attempt: number) => Promise<boolean>,
    run: number,
  ): Promise<boolean> {
    for (let n = 1; n <= PROBE_MISSES + 1; n++) if (await has(run, n)) return true;
    return false;
  }

  /** The highest n ≥ 1 with exists(n), probing upwards by _id until PROBE_MISSES misses in a row. */
  private async latest(exists: (n: number) => Promise<boolean>): Promise<number[]> {
    let best: number | undefined;
    let misses = 0;
    for (let n = 1; misses < PROBE_MISSES + (best === undefined ? 1 : 0); n++) {
      if (await exists(n)) {
        best = n;
        misses = 0;
      } else misses++;
    }
    return best === undefined ? [] : [best];
  }

  /** Binary search over chunk offsets (by _id) for the chunk holding `offset`. */
  private async firstChunkAt(key: string, chunks: number, offset: number): Promise<number> {
    if (offset <= 0 || chunks === 0) return 0;
    let lo = 0;
    let hi = chunks - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const c = await this.logs.getChunk(key, mid);
      if (c && c.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function pieceFrom(c: LogChunkDoc, from: number): LogPiece | undefined {
  let data = Buffer.from(c.data, 'base64');
  let offset = c.offset;
  if (offset + data.length <= from) return undefined;
  if (offset < from) {
    data = data.subarray(from - offset);
    offset = from;
  }
  return { stream: c.stream, data, offset, time: new Date(c.time) };
}

function describe(a: LogAddress): string {
  return `workflow ${a.workflowId} instance ${a.instanceId} run ${a.runId || 'latest'} step ${a.stepId} attempt ${a.attemptId || 'latest'}`;
}

/** Waits ms; false when aborted. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

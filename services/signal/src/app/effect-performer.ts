import { Metadata, status } from '@grpc/grpc-js';
import {
  type Initiator,
  InitiatorType,
  type ParamValue,
  type StartWorkflowRequest,
  type internal,
} from '@baton/proto';
import { BatonClientError, type SchedulerClient, toParamValue } from '@baton/sdk';
import type { Logger } from 'pino';
import type { Effect, InitiatorSpec } from '../domain/effects';
import type { SignalRefRecord } from '../domain/signal-instance';
import { decodeValue } from '../domain/signal-values';
import type { LineageStore } from '../store/lineage-store';
import { runSubject, signalSubject } from '../store/lineage-store';
import type { RunStore } from '../store/run-store';
import type { WaitStore } from '../store/wait-store';
import type { BackfillStore } from '../store/backfill-store';
import type { Coordination } from '../redis/coordination';
import { signalMetrics } from './signal-metrics';

/** The scheduler's answers that make retrying a start pointless: the effect is given up (and logged). */
const GIVE_UP = new Set(['NOT_FOUND', 'INVALID_ARGUMENT', 'FAILED_PRECONDITION']);

/** Effects in flight at once while one decision's effects are performed, and over all decisions. */
const PARALLEL = 16;
const MAX_PARALLEL = 32;
/** Starts per StartRuns call (the scheduler takes up to 1,000). */
const START_BATCH = 250;

type StartEffect = Extract<Effect, { type: 'startRun' }>;

/**
 * Performs ledger effects. Each is idempotent (see Effect), so a decision is performed again
 * whole after a crash. A failure that may pass (scheduler unavailable) throws: the decision stays
 * unapplied and is retried.
 */
export class EffectPerformer {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly reports: internal.SignalReportServiceClient,
    private readonly runs: RunStore,
    private readonly lineage: LineageStore,
    private readonly waits: WaitStore,
    private readonly backfills: BackfillStore,
    private readonly coord: Coordination,
    private readonly log: Logger,
  ) {}

  private running = 0;
  private readonly waiting: (() => void)[] = [];

  async performAll(effects: readonly Effect[]): Promise<void> {
    const starts: StartEffect[] = [];
    const rest: Effect[] = [];
    for (const e of effects) (e.type === 'startRun' ? starts : rest).push(e);
    await Promise.all([this.startAll(starts), this.performEach(rest)]);
  }

  private async performEach(effects: readonly Effect[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < effects.length) {
        const e = effects[next++]!;
        await this.acquire();
        try {
          await this.perform(e);
        } finally {
          this.release();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, effects.length) }, worker));
  }

  /**
   * Starts runs START_BATCH per StartRuns call: the scheduler writes a call's instances in a few
   * batched inserts, so a cron minute's hundreds of fires start within a second or two rather
   * than one StartWorkflow round trip after another.
   */
  private async startAll(effects: readonly StartEffect[]): Promise<void> {
    const chunks: StartEffect[][] = [];
    for (let i = 0; i < effects.length; i += START_BATCH) chunks.push(effects.slice(i, i + START_BATCH));
    const failures = await Promise.all(
      chunks.map(async (chunk) => {
        await this.acquire();
        try {
          return await this.startBatch(chunk);
        } catch (err) {
          return err;
        } finally {
          this.release();
        }
      }),
    );
    const failure = failures.find((f) => f !== undefined);
    if (failure !== undefined) throw failure;
  }

  /** One StartRuns call; a start that may succeed later makes it throw (after recording the rest). */
  private async startBatch(effects: readonly StartEffect[]): Promise<unknown> {
    let results: internal.StartRunResult[];
    try {
      results = await this.startRuns(effects);
    } catch (err) {
      // A scheduler older than StartRuns: one StartWorkflow each, as before.
      if ((err as { code?: number }).code !== status.UNIMPLEMENTED) throw err;
      for (const e of effects) await this.startRun(e);
      return undefined;
    }
    const started: { e: StartEffect; instanceId: number; runId: number }[] = [];
    let retry: unknown;
    for (const [k, r] of results.entries()) {
      const e = effects[k]!;
      if (r.code === status.OK && r.response) {
        started.push({ e, instanceId: Number(r.response.instanceId), runId: Number(r.response.runId) });
      } else if (GIVE_UP.has(status[r.code] ?? '')) {
        this.log.warn(
          { workflowId: e.workflowId, requestId: e.requestId, code: status[r.code], err: r.message },
          'trigger fire not started',
        );
      } else {
        retry ??= new Error(
          `start of ${e.workflowId} (${e.requestId}) failed: ${status[r.code]} ${r.message}`,
        );
      }
    }
    await this.runs.recordMany(
      started.map(({ e, instanceId, runId }) => ({
        workflowId: e.workflowId,
        requestId: e.requestId,
        instanceId,
        runId,
      })),
    );
    for (const { e, instanceId, runId } of started) await this.recordLineage(e, instanceId, runId);
    return retry;
  }

  private startRuns(effects: readonly StartEffect[]): Promise<internal.StartRunResult[]> {
    return new Promise((resolve, reject) =>
      this.reports.startRuns(
        { starts: effects.map(startRequestOf) },
        new Metadata(),
        { deadline: Date.now() + 30_000 },
        (err, res) => (err || !res ? reject(err) : resolve(res.results)),
      ),
    );
  }

  /** A slot among MAX_PARALLEL: decisions performed in the background share them. */
  private async acquire(): Promise<void> {
    if (this.running < MAX_PARALLEL) {
      this.running++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private async perform(e: Effect): Promise<void> {
    switch (e.type) {
      case 'startRun':
        return this.startRun(e);
      case 'reportMatch':
        return this.reportMatch(e);
      case 'dropWait':
        await this.waits.remove(e.waitKey);
        await this.coord.removeWait(e.waitKey, e.names);
        return;
      case 'backfillDone':
        return this.backfills.markDone(e.backfillId);
    }
  }

  private async startRun(e: StartEffect): Promise<void> {
    const req = startRequestOf(e);
    let res: Awaited<ReturnType<SchedulerClient['startWorkflow']>>;
    try {
      res = await this.scheduler.startWorkflow(req, { timeoutMs: 30_000 });
    } catch (err) {
      if (err instanceof BatonClientError && GIVE_UP.has(err.code)) {
        this.log.warn(
          { workflowId: e.workflowId, requestId: e.requestId, code: err.code, err: err.message },
          'trigger fire not started',
        );
        return;
      }
      throw err;
    }
    const instanceId = Number(res.instanceId);
    const runId = Number(res.runId);
    await this.runs.record(e.workflowId, e.requestId, instanceId, runId);
    await this.recordLineage(e, instanceId, runId);
  }

  /** The signals that fired a start are linked to its run. */
  private async recordLineage(e: StartEffect, instanceId: number, runId: number): Promise<void> {
    signalMetrics().triggersFired.add(1, { kind: e.initiator.kind.toLowerCase() });
    const time = e.initiator.time ?? Date.now();
    for (const s of e.initiator.signals ?? []) {
      await this.lineage.append(
        [signalSubject(s.name, s.seq), runSubject(e.workflowId, instanceId)],
        `started:${e.workflowId}:${instanceId}:${s.name}#${s.seq}`,
        { signal: s, workflowId: e.workflowId, instanceId, runId, relation: 'STARTED', time },
      );
    }
  }

  private async reportMatch(e: Extract<Effect, { type: 'reportMatch' }>): Promise<void> {
    try {
      await this.report(e);
    } catch (err) {
      // The run is gone or refuses the report: nothing will ever take it, so it is given up.
      const code = (err as { code?: number }).code;
      if (code === status.NOT_FOUND || code === status.INVALID_ARGUMENT) {
        this.log.warn({ waitKey: e.waitKey, err: String(err) }, 'signal match not reported');
        return;
      }
      throw err;
    }
    await this.lineage.append(
      [signalSubject(e.signal.name, e.signal.seq), runSubject(e.workflowId, e.instanceId)],
      `satisfied:${e.waitKey}:${e.index}`,
      {
        signal: e.signal,
        workflowId: e.workflowId,
        instanceId: e.instanceId,
        runId: e.runId,
        stepId: e.stepId,
        relation: 'SATISFIED',
        time: Date.now(),
      },
    );
  }

  private report(e: Extract<Effect, { type: 'reportMatch' }>): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.reports.reportSignalMatch(
        {
          instanceKey: e.instanceKey,
          stepId: e.stepId,
          waitKey: e.waitKey,
          dependencyIndex: e.index,
          signal: signalRefOf(e.signal),
        },
        new Metadata(),
        { deadline: Date.now() + 10_000 },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
}

export function signalRefOf(s: SignalRefRecord) {
  const params: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(s.params)) {
    const value = decodeValue(v);
    params[k] =
      typeof value === 'bigint'
        ? { kind: { $case: 'longValue', value: value.toString() } }
        : { kind: { $case: 'stringValue', value } };
  }
  return { name: s.name, seq: String(s.seq), params };
}

/** StartWorkflow's request for a fire: the active version, idempotent by the fire's request id. */
function startRequestOf(e: StartEffect): StartWorkflowRequest {
  const runParams: Record<string, ParamValue> = {};
  for (const [k, p] of Object.entries(e.runParams)) runParams[k] = toParamValue(p.value, p.type, k);
  return {
    workflowId: e.workflowId,
    version: 'active',
    requestId: e.requestId,
    runParams,
    initiator: initiatorOf(e.initiator),
  };
}

function initiatorOf(i: InitiatorSpec): Initiator {
  const type =
    i.kind === 'TIME'
      ? InitiatorType.INITIATOR_TYPE_TIME
      : i.kind === 'SIGNAL'
        ? InitiatorType.INITIATOR_TYPE_SIGNAL
        : InitiatorType.INITIATOR_TYPE_BACKFILL;
  return {
    type,
    name: i.kind.toLowerCase(),
    ...(i.time !== undefined ? { triggerTime: new Date(i.time) } : {}),
    timezone: i.timezone ?? '',
    triggerId: i.triggerId,
    signals: (i.signals ?? []).map(signalRefOf),
  };
}

import { BatonError, type FieldViolation } from '@baton/kit';
import { type BackfillSpec, MAX_BACKFILL_RUNS, backfillIdOf, type BackfillState } from '../domain/backfill';
import { type ParamFilter, allHold } from '../domain/param-filter';
import type { SignalTriggerState } from '../domain/signal-trigger';
import type { TimeShardState } from '../domain/time-shard';
import { shardOf } from '../domain/time-shard';
import { decodeParams } from '../domain/signal-values';
import type { SignalParams } from '../domain/signal-values';
import type { Coordination } from '../redis/coordination';
import type { BackfillStore } from '../store/backfill-store';
import type { SignalDoc } from '../store/documents';
import type { LedgerStore } from '../store/ledger-store';
import { type LineageLink, type LineageStore, runSubject, signalSubject } from '../store/lineage-store';
import type { SignalStore } from '../store/signal-store';
import { backfillLedgerKey } from './kinds/backfill-kind';
import type { PublishInput, Published, Publisher } from './publisher';
import { type TriggerRegistry, signalTriggerKey, timeShardKey } from './trigger-registry';

/** A signal instance as the API shows it. */
export interface SignalView {
  name: string;
  seq: number;
  params: SignalParams;
  createdAt: number;
  requestId: string;
  /** JSON text, '' when none. */
  payload: string;
  producer?: { workflowId: string; instanceId: number; runId: number; stepId: string; attemptKey: string };
}

export function viewOf(d: SignalDoc): SignalView {
  const v: SignalView = {
    name: d.name,
    seq: d.seq,
    params: decodeParams(d.params),
    createdAt: d.created_at,
    requestId: d.request_id,
    payload: d.payload,
  };
  if (d.producer) {
    const [workflowId, instanceId, runId, stepId, attemptKey] = d.producer.split('|');
    v.producer = {
      workflowId: workflowId ?? '',
      instanceId: Number(instanceId),
      runId: Number(runId),
      stepId: stepId ?? '',
      attemptKey: attemptKey ?? '',
    };
  }
  return v;
}

/** Signals examined by one ListSignals call at most (a filter that matches little pages on). */
export const MAX_LIST_SCAN = 10_000;
const LIST_CHUNK = 128;

/** The signal service's public use cases behind SignalService. */
export class SignalApp {
  constructor(
    private readonly store: SignalStore,
    private readonly publisher: Publisher,
    private readonly registry: TriggerRegistry,
    private readonly ledger: LedgerStore,
    private readonly backfills: BackfillStore,
    private readonly lineage: LineageStore,
    private readonly coord: Coordination,
  ) {}

  publish(input: PublishInput): Promise<Published> {
    return this.publisher.publish(input);
  }

  async get(name: string, seq: number): Promise<SignalView> {
    const n = seq === 0 ? await this.store.latest(name) : seq;
    const doc = n > 0 ? await this.store.get(name, n) : null;
    if (!doc) {
      throw BatonError.notFound(
        seq === 0 ? `signal ${name} has no instances` : `signal ${name} has no instance ${seq}`,
        'SIGNAL_NOT_FOUND',
      );
    }
    return viewOf(doc);
  }

  /** Newest first from `before` (exclusive; 0 = from the latest), at most `size` that pass every filter. */
  async list(
    name: string,
    filters: readonly ParamFilter[],
    size: number,
    before: number,
  ): Promise<{ signals: SignalView[]; next?: number }> {
    let seq = before > 0 ? before - 1 : await this.store.latest(name);
    const out: SignalView[] = [];
    let scanned = 0;
    while (seq >= 1 && out.length < size && scanned < MAX_LIST_SCAN) {
      const from = Math.max(1, seq - LIST_CHUNK + 1);
      const seqs = Array.from({ length: seq - from + 1 }, (_, i) => seq - i);
      const docs = await this.store.getMany(name, seqs);
      scanned += seqs.length;
      for (const d of docs) {
        const v = viewOf(d);
        if (!allHold(v.params, filters)) continue;
        out.push(v);
        if (out.length === size) {
          seq = d.seq - 1;
          return { signals: out, ...(seq >= 1 ? { next: seq + 1 } : {}) };
        }
      }
      seq = from - 1;
    }
    return { signals: out, ...(seq >= 1 ? { next: seq + 1 } : {}) };
  }

  async triggers(workflowId: string, nextCount: number, now: number) {
    await this.registry.sync();
    const wf = this.registry.workflow(workflowId);
    if (!wf) return undefined;
    const time = [];
    for (const t of wf.time) {
      const shard = await this.ledger.latest(timeShardKey(shardOf(wf.workflowId, t.triggerId)));
      const state = shard ? (JSON.parse(shard.state) as TimeShardState) : undefined;
      const watermark = state?.watermarks[t.plan.key] ?? wf.changedAt;
      const from = Math.max(watermark, now);
      const next = t.plan.next(from, nextCount).map((n) => n + t.plan.delay(n));
      time.push({ triggerId: t.triggerId, raw: t.raw, timezone: t.plan.timezone, next, watermark });
    }
    const signal = [];
    for (const s of wf.signal) {
      const latest = await this.ledger.latest(signalTriggerKey(wf.workflowId, s.triggerId));
      const state = latest ? (JSON.parse(latest.state) as SignalTriggerState) : undefined;
      const pending: Record<string, number> = {};
      for (const name of s.compiled.names) pending[name] = state?.pending[name]?.length ?? 0;
      signal.push({
        triggerId: s.triggerId,
        raw: s.raw,
        cursors: state?.cursors ?? {},
        pending,
        fired: state?.fired ?? 0,
      });
    }
    return { wf, time, signal };
  }

  async backfill(input: {
    workflowId: string;
    triggerId: string;
    from: number;
    to: number;
    concurrency: number;
  }): Promise<{ backfill: BackfillView; created: boolean }> {
    await this.registry.sync();
    const wf = this.registry.workflow(input.workflowId);
    const v: FieldViolation[] = [];
    if (!wf || wf.time.length === 0) {
      throw BatonError.precondition(
        `workflow ${input.workflowId} has no active version with time triggers`,
        'NO_TIME_TRIGGER',
      );
    }
    const trigger = input.triggerId ? wf.time.find((t) => t.triggerId === input.triggerId) : wf.time[0];
    if (!trigger) {
      v.push({
        field: 'trigger_id',
        description: `no time trigger ${input.triggerId} (GetTriggers lists them)`,
      });
      throw BatonError.invalid('unknown trigger', v);
    }
    const { times, truncated } = trigger.plan.between(input.from - 1, input.to, MAX_BACKFILL_RUNS);
    if (truncated) {
      throw BatonError.invalid(`more than ${MAX_BACKFILL_RUNS} fire times in the range`, [
        { field: 'to', description: `at most ${MAX_BACKFILL_RUNS} fire times per backfill` },
      ]);
    }
    const spec: BackfillSpec = {
      id: backfillIdOf(input.workflowId, trigger.triggerId, input.from, input.to),
      workflowId: input.workflowId,
      triggerId: trigger.triggerId,
      timezone: trigger.plan.timezone,
      from: input.from,
      to: input.to,
      concurrency: input.concurrency,
      times,
    };
    const now = Date.now();
    const created = await this.backfills.create(spec, now);
    await this.coord.nudge([backfillLedgerKey(spec.id)]);
    return { backfill: await this.getBackfill(spec.id), created };
  }

  async getBackfill(id: string): Promise<BackfillView> {
    const spec = await this.backfills.get(id);
    if (!spec) throw BatonError.notFound(`backfill ${id} not found`, 'BACKFILL_NOT_FOUND');
    const latest = await this.ledger.latest(backfillLedgerKey(id));
    const state = latest ? (JSON.parse(latest.state) as BackfillState) : { next: 0, running: [], ended: 0 };
    return { spec, state, done: spec.done, createdAt: spec.createdAt };
  }

  async signalLineage(name: string, seq: number): Promise<{ signal: SignalView; links: LineageLink[] }> {
    const signal = await this.get(name, seq);
    return { signal, links: await this.lineage.read(signalSubject(name, signal.seq)) };
  }

  async runLineage(workflowId: string, instanceId: number, runId: number): Promise<LineageLink[]> {
    const links = await this.lineage.read(runSubject(workflowId, instanceId));
    return runId > 0 ? links.filter((l) => l.runId === runId) : links;
  }
}

export interface BackfillView {
  spec: BackfillSpec;
  state: BackfillState;
  done: boolean;
  createdAt: number;
}

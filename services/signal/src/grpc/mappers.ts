import type { Backfill, LineageLink as ApiLink, ParamValue, Signal } from '@baton/proto';
import type { BackfillView, SignalView } from '../app/signal-app';
import type { SignalParams } from '../domain/signal-values';
import { decodeValue } from '../domain/signal-values';
import type { LineageLink } from '../store/lineage-store';

export function toApiParams(p: SignalParams): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(p)) {
    out[k] =
      typeof v === 'bigint'
        ? { kind: { $case: 'longValue', value: v.toString() } }
        : { kind: { $case: 'stringValue', value: v } };
  }
  return out;
}

function encodedToApi(p: Record<string, string>): Record<string, ParamValue> {
  const out: SignalParams = {};
  for (const [k, v] of Object.entries(p)) out[k] = decodeValue(v);
  return toApiParams(out);
}

export function toApiSignal(v: SignalView): Signal {
  return {
    name: v.name,
    seq: String(v.seq),
    params: toApiParams(v.params),
    createdAt: new Date(v.createdAt),
    requestId: v.requestId,
    payload: v.payload ? JSON.parse(v.payload) : undefined,
    producer: v.producer
      ? {
          workflowId: v.producer.workflowId,
          instanceId: String(v.producer.instanceId),
          runId: String(v.producer.runId),
          stepId: v.producer.stepId,
          attemptKey: v.producer.attemptKey,
        }
      : undefined,
  };
}

export function toApiLink(l: LineageLink): ApiLink {
  return {
    signal: { name: l.signal.name, seq: String(l.signal.seq), params: encodedToApi(l.signal.params) },
    workflowId: l.workflowId,
    instanceId: String(l.instanceId),
    runId: String(l.runId),
    stepId: l.stepId ?? '',
    relation: l.relation,
    time: new Date(l.time),
  };
}

export function toApiBackfill(b: BackfillView): Backfill {
  return {
    backfillId: b.spec.id,
    workflowId: b.spec.workflowId,
    triggerId: b.spec.triggerId,
    from: new Date(b.spec.from),
    to: new Date(b.spec.to),
    concurrency: b.spec.concurrency,
    total: String(b.spec.times.length),
    started: String(b.state.next),
    ended: String(b.state.ended),
    status: b.done ? 'DONE' : 'RUNNING',
    createdAt: new Date(b.createdAt),
  };
}

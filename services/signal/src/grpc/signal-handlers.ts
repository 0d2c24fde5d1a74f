import {
  BatonError,
  type FieldViolation,
  type UnaryHandler,
  pageSize,
  pageToken,
  readPageToken,
} from '@baton/kit';
import { workflowIdViolations } from '@baton/model';
import type * as api from '@baton/proto';
import type { SignalApp } from '../app/signal-app';
import { toApiBackfill, toApiLink, toApiSignal } from './mappers';
import {
  checkName,
  checkRequestId,
  filtersOf,
  payloadOf,
  signalParamsOf,
  throwIfAny,
} from './signal-mapping';

type U<Req, Res> = UnaryHandler<Req, Res>;

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** A seq field: 0 (when allowed) or 1..2^53-1, never silently rounded. */
function seqOf(text: string, field: string, out: FieldViolation[], zeroOk: boolean): number {
  const t = text || '0';
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n < (zeroOk ? 0 : 1) || n > MAX_SEQ) {
    out.push({
      field,
      description: zeroOk ? 'must be 0 (the latest) or a sequence number' : 'must be 1 or more',
    });
    return 0;
  }
  return n;
}

function checkWorkflowId(id: string, out: FieldViolation[]): void {
  if (!id) out.push({ field: 'workflow_id', description: 'is required' });
  else
    for (const v of workflowIdViolations(id)) out.push({ field: 'workflow_id', description: v.description });
}

/** Proto ↔ domain mapping for baton.v1.SignalService; the rules live in SignalApp and the domain. */
export function signalHandlers(app: SignalApp) {
  const PublishSignal: U<api.PublishSignalRequest, api.PublishSignalResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkName(req.name, 'name', v);
    const params = signalParamsOf(req.params, 'params', v);
    checkRequestId(req.requestId, 'request_id', v);
    const payload = payloadOf(req.payload, v);
    throwIfAny('invalid signal', v);
    const out = await app.publish({ name: req.name, params, payload, requestId: req.requestId });
    return { name: out.name, seq: String(out.seq), created: out.created };
  };

  const GetSignal: U<api.GetSignalRequest, api.GetSignalResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkName(req.name, 'name', v);
    const seq = seqOf(req.seq, 'seq', v, true);
    throwIfAny('invalid signal reference', v);
    return { signal: toApiSignal(await app.get(req.name, seq)) };
  };

  const ListSignals: U<api.ListSignalsRequest, api.ListSignalsResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkName(req.name, 'name', v);
    const filters = filtersOf(req.filters, 'filters', v);
    throwIfAny('invalid signal query', v);
    const size = pageSize(req.pageSize);
    const before = readPageToken<number>(req.pageToken) ?? 0;
    if (!Number.isSafeInteger(before) || before < 0)
      throw BatonError.invalid('invalid page token', [
        { field: 'page_token', description: 'is not a token this service issued' },
      ]);
    const out = await app.list(req.name, filters, size, before);
    return {
      signals: out.signals.map(toApiSignal),
      nextPageToken: out.next === undefined ? '' : pageToken(out.next),
    };
  };

  const GetTriggers: U<api.GetTriggersRequest, api.GetTriggersResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkWorkflowId(req.workflowId, v);
    if (!Number.isInteger(req.nextCount) || req.nextCount < 0 || req.nextCount > 100)
      v.push({ field: 'next_count', description: 'must be from 0 to 100' });
    throwIfAny('invalid request', v);
    const out = await app.triggers(req.workflowId, req.nextCount || 5, Date.now());
    if (!out) {
      return {
        workflowId: req.workflowId,
        activeVersion: '0',
        timeTriggerDisabled: false,
        signalTriggerDisabled: false,
        timeTriggers: [],
        signalTriggers: [],
        catchUp: '',
      };
    }
    return {
      workflowId: req.workflowId,
      activeVersion: String(out.wf.activeVersion),
      timeTriggerDisabled: out.wf.timeDisabled,
      signalTriggerDisabled: out.wf.signalDisabled,
      catchUp: out.wf.catchUp.mode,
      timeTriggers: out.time.map((t) => ({
        triggerId: t.triggerId,
        definitionJson: JSON.stringify(t.raw),
        timezone: t.timezone,
        nextFireTimes: t.next.map((n) => new Date(n)),
        watermark: new Date(t.watermark),
      })),
      signalTriggers: out.signal.map((s) => ({
        triggerId: s.triggerId,
        definitionJson: JSON.stringify(s.raw),
        cursors: Object.fromEntries(Object.entries(s.cursors).map(([k, n]) => [k, String(n)])),
        pending: Object.fromEntries(Object.entries(s.pending).map(([k, n]) => [k, String(n)])),
        fired: String(s.fired),
      })),
    };
  };

  const Backfill: U<api.BackfillRequest, api.BackfillResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkWorkflowId(req.workflowId, v);
    if (!req.from) v.push({ field: 'from', description: 'is required' });
    if (!req.to) v.push({ field: 'to', description: 'is required' });
    if (req.from && req.to && req.from.getTime() > req.to.getTime())
      v.push({ field: 'to', description: 'must not be before from' });
    for (const [f, d] of [
      ['from', req.from],
      ['to', req.to],
    ] as const)
      if (d && !Number.isFinite(d.getTime())) v.push({ field: f, description: 'is not a valid time' });
    if (!Number.isInteger(req.concurrency) || req.concurrency < 0 || req.concurrency > 100)
      v.push({ field: 'concurrency', description: 'must be from 1 to 100 (0 = 4)' });
    if (req.triggerId.length > 64) v.push({ field: 'trigger_id', description: 'at most 64 characters' });
    throwIfAny('invalid backfill', v);
    const out = await app.backfill({
      workflowId: req.workflowId,
      triggerId: req.triggerId,
      from: req.from!.getTime(),
      to: req.to!.getTime(),
      concurrency: req.concurrency || 4,
    });
    return { backfill: toApiBackfill(out.backfill), created: out.created };
  };

  const GetBackfill: U<api.GetBackfillRequest, api.GetBackfillResponse> = async (req) => {
    if (!/^bf-[0-9a-f]{24}$/.test(req.backfillId))
      throw BatonError.invalid('invalid backfill id', [
        { field: 'backfill_id', description: 'is not a backfill id' },
      ]);
    return { backfill: toApiBackfill(await app.getBackfill(req.backfillId)) };
  };

  const GetSignalLineage: U<api.GetSignalLineageRequest, api.GetSignalLineageResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkName(req.name, 'name', v);
    const seq = seqOf(req.seq, 'seq', v, true);
    throwIfAny('invalid signal reference', v);
    const out = await app.signalLineage(req.name, seq);
    return { signal: toApiSignal(out.signal), runs: out.links.map(toApiLink) };
  };

  const GetRunLineage: U<api.GetRunLineageRequest, api.GetRunLineageResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkWorkflowId(req.workflowId, v);
    const instanceId = seqOf(req.instanceId, 'instance_id', v, false);
    const runId = seqOf(req.runId, 'run_id', v, true);
    throwIfAny('invalid run reference', v);
    const links = await app.runLineage(req.workflowId, instanceId, runId);
    return {
      consumed: links.filter((l) => l.relation !== 'PRODUCED').map(toApiLink),
      produced: links.filter((l) => l.relation === 'PRODUCED').map(toApiLink),
    };
  };

  return {
    PublishSignal,
    GetSignal,
    ListSignals,
    GetTriggers,
    Backfill,
    GetBackfill,
    GetSignalLineage,
    GetRunLineage,
  };
}

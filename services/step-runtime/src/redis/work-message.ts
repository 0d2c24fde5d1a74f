import { internal } from '@baton/proto';
import type { Dispatch } from '../domain/dispatch.js';
import type { StepParams } from '../runner/index.js';

// The work stream's message (proto baton.internal.v1.WorkMessage, binary, field `a` of a message on
// `{baton}:work:<pool>`) read into a Dispatch: the generated type stops here.

export type ParsedDispatch = { ok: true; dispatch: Dispatch } | { ok: false; error: string };

/** Parses and checks a queue message body (WorkMessage, binary). Pure; never throws. */
export function parseDispatch(raw: Uint8Array | undefined): ParsedDispatch {
  if (raw === undefined) return { ok: false, error: 'message has no field "a"' };
  let o: internal.WorkMessage;
  try {
    o = internal.WorkMessage.decode(raw);
  } catch (err) {
    return { ok: false, error: `field "a" is not a WorkMessage: ${(err as Error).message}` };
  }
  const problems: string[] = [];
  const str = (k: string, v: string) => {
    if (v === '') problems.push(`${k} must be a non-empty string`);
    return v;
  };
  // int64 fields decode to decimal strings (forceLong=string); ids must fit a JS number.
  const int = (k: string, v: string | number, min: number) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) problems.push(`${k} must be an integer ≥ ${min}`);
    return n;
  };
  const d: Dispatch = {
    attemptKey: str('attemptKey', o.attemptKey),
    instanceKey: str('instanceKey', o.instanceKey),
    workflowId: str('workflowId', o.workflowId),
    instanceId: int('instanceId', o.instanceId, 1),
    runId: int('runId', o.runId, 1),
    stepId: str('stepId', o.stepId),
    attempt: int('attempt', o.attempt, 1),
    stepType: str('stepType', o.stepType).toUpperCase(),
    params: {},
    pool: o.pool !== '' ? o.pool : 'default',
  };
  if (o.paramsJson !== '') {
    let params: unknown;
    try {
      params = JSON.parse(o.paramsJson);
    } catch {
      problems.push('params must be JSON');
    }
    if (params !== undefined && params !== null) {
      if (typeof params !== 'object' || Array.isArray(params)) problems.push('params must be an object');
      else d.params = params as StepParams;
    }
  }
  if (o.timeoutSeconds !== undefined) {
    if (!(o.timeoutSeconds >= 0) || !Number.isFinite(o.timeoutSeconds)) {
      problems.push('timeoutSeconds must be a number ≥ 0');
    } else d.timeoutSeconds = o.timeoutSeconds;
  }
  if (o.trace && o.trace.traceparent !== '') d.trace = { ...o.trace };
  if (problems.length > 0) return { ok: false, error: problems.join('; ') };
  return { ok: true, dispatch: d };
}

import {
  BatonError,
  type FieldViolation,
  requireField,
  type ServerStreamHandler,
  type UnaryHandler,
} from '@baton/kit';
import type {
  CancelAttemptRequest,
  CancelAttemptResponse,
  GetStepLogsRequest,
  GetStepLogsResponse,
} from '@baton/proto';
import type { AttemptControl } from '../app/attempt-control.js';
import type { LogAddress, LogReader } from '../app/log-reader.js';

/** baton.v1.StepRuntimeService: proto ↔ domain only. */
export function stepRuntimeHandlers(control: AttemptControl, reader: LogReader) {
  const getStepLogs: ServerStreamHandler<GetStepLogsRequest, GetStepLogsResponse> = async (
    req,
    ctx,
    send,
  ) => {
    const address = toLogAddress(req);
    await reader.stream(address, ctx.signal, (p) =>
      send({ stream: p.stream, data: p.data, offset: String(p.offset), time: p.time }),
    );
  };
  const cancelAttempt: UnaryHandler<CancelAttemptRequest, CancelAttemptResponse> = async (req, ctx) => {
    const cancelled = await control.cancel(req.attemptKey, req.reason);
    ctx.log.info({ attemptKey: req.attemptKey, reason: req.reason, cancelled }, 'cancel requested');
    return { cancelled };
  };
  return { GetStepLogs: getStepLogs, CancelAttempt: cancelAttempt };
}

export function toLogAddress(req: GetStepLogsRequest): LogAddress {
  const v: FieldViolation[] = [];
  requireField(req.workflowId, 'workflow_id', v);
  requireField(req.stepId, 'step_id', v);
  const instanceId = Number(req.instanceId);
  const runId = Number(req.runId);
  const offset = Number(req.offset);
  if (!Number.isSafeInteger(instanceId) || instanceId < 1)
    v.push({ field: 'instance_id', description: 'must be ≥ 1' });
  if (!Number.isSafeInteger(runId) || runId < 0)
    v.push({ field: 'run_id', description: 'must be ≥ 0 (0 = latest)' });
  if (!Number.isSafeInteger(req.attemptId) || req.attemptId < 0) {
    v.push({ field: 'attempt_id', description: 'must be ≥ 0 (0 = latest)' });
  }
  if (!Number.isSafeInteger(offset) || offset < 0) v.push({ field: 'offset', description: 'must be ≥ 0' });
  if (v.length > 0)
    throw BatonError.invalid(
      `invalid GetStepLogs request: ${v.map((x) => `${x.field} ${x.description}`).join('; ')}`,
      v,
    );
  return {
    workflowId: req.workflowId,
    instanceId,
    runId,
    stepId: req.stepId,
    attemptId: req.attemptId,
    follow: req.follow,
    offset,
  };
}

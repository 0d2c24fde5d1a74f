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
  GetStepArtifactRequest,
  GetStepArtifactResponse,
  GetStepLogsRequest,
  GetStepLogsResponse,
} from '@baton/proto';
import type { ArtifactReader } from '../app/artifact-reader.js';
import type { AttemptControl } from '../app/attempt-control.js';
import type { LogAddress, LogReader } from '../app/log-reader.js';

/** baton.v1.StepRuntimeService: proto ↔ domain only. */
export function stepRuntimeHandlers(control: AttemptControl, reader: LogReader, artifacts: ArtifactReader) {
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
  const getStepArtifact: ServerStreamHandler<GetStepArtifactRequest, GetStepArtifactResponse> = async (
    req,
    ctx,
    send,
  ) => {
    const address = toLogAddress({ ...req, follow: false, offset: '0' }, 'GetStepArtifact');
    await artifacts.stream(address, ctx.signal, (c) =>
      send({
        name: c.name,
        size: String(c.size),
        attemptId: c.attemptId,
        data: c.data,
        offset: String(c.offset),
      }),
    );
  };
  return { GetStepLogs: getStepLogs, CancelAttempt: cancelAttempt, GetStepArtifact: getStepArtifact };
}

export function toLogAddress(req: GetStepLogsRequest, rpc = 'GetStepLogs'): LogAddress {
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
      `invalid ${rpc} request: ${v.map((x) => `${x.field} ${x.description}`).join('; ')}`,
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

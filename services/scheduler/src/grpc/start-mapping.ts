import type { Principal } from '@baton/kit';
import type { StartWorkflowRequest, StartWorkflowResponse } from '@baton/proto';
import type { StartInput, StartResult } from '../app/run-starts';
import { callerInitiator, fromApiInitiator } from './initiator-mapping';
import { toRunParams } from './param-mapping';

/** A StartWorkflow request as RunStarts takes it (throws INVALID_ARGUMENT naming the field). */
export function startInputOf(req: StartWorkflowRequest, principal: Principal | undefined): StartInput {
  const initiator = callerInitiator(fromApiInitiator(req.initiator), principal);
  return {
    workflowId: req.workflowId,
    version: req.version,
    runParams: toRunParams(req.runParams),
    requestId: req.requestId,
    initiator: initiator.name,
    ...(initiator.trigger ? { trigger: initiator.trigger } : {}),
  };
}

export function toStartResponse(workflowId: string, out: StartResult): StartWorkflowResponse {
  return {
    workflowId,
    instanceId: String(out.instanceId),
    runId: String(out.runId),
    workflowVersion: String(out.version),
    status: out.status,
    created: out.created,
  };
}

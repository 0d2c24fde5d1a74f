import type { TraceCarrier } from '@baton/kit';
import { internal } from '@baton/proto';
import type { DispatchAttemptAction } from '../domain';

/** The work stream message of a dispatch: a WorkMessage (proto baton.internal.v1), binary. */
export function encodeWorkMessage(a: DispatchAttemptAction, trace: TraceCarrier | undefined): Buffer {
  const bytes = internal.WorkMessage.encode({
    attemptKey: a.attemptKey,
    instanceKey: a.instanceKey,
    workflowId: a.workflowId,
    instanceId: String(a.instanceId),
    runId: String(a.runId),
    stepId: a.stepId,
    attempt: a.attempt,
    stepType: a.stepType,
    paramsJson: JSON.stringify(a.params),
    timeoutSeconds: a.timeoutSeconds,
    pool: a.pool,
    trace,
  }).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

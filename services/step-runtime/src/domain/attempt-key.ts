/**
 * Attempt keys of top-level instances: `<workflowId>:<instanceId>:<runId>:<stepId>:<attempt>`
 * (the scheduler's attemptKeyOf over instanceKeyOf). GetStepLogs addresses logs by these parts.
 */
export function attemptKeyFor(
  workflowId: string,
  instanceId: number | string,
  runId: number | string,
  stepId: string,
  attempt: number | string,
): string {
  return `${workflowId}:${instanceId}:${runId}:${stepId}:${attempt}`;
}

/** `step_logs` ids: chunk n of an attempt, and its meta document. */
export const logChunkId = (attemptKey: string, n: number): string => `${attemptKey}:${n}`;
export const logMetaId = (attemptKey: string): string => `${attemptKey}:meta`;

/** `step_claims` id of the cancel marker of an attempt (see store/claims-store.ts). */
export const cancelMarkerId = (attemptKey: string): string => `${attemptKey}:cancel`;

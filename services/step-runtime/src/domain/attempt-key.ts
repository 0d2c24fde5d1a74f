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
export const attemptKeyOfMeta = (metaId: string): string => metaId.replace(/:meta$/, '');

/** `step_claims` id of the cancel marker of an attempt (see store/claims-store.ts). */
export const cancelMarkerId = (attemptKey: string): string => `${attemptKey}:cancel`;

/** The longest attempt key accepted (workflow id, step ids and loop nesting fit well inside). */
export const MAX_ATTEMPT_KEY = 1024;

/**
 * The shape of every attempt key the scheduler makes: `<wf>:<instance>:<run>`, then one
 * `:<step>:<n>` per nesting level (foreach/while iterations) and the step's own `:<step>:<attempt>`.
 * Ids never hold a colon, so anything else is not a key (and cancelling it cannot be meaningful).
 */
export function isAttemptKey(key: string): boolean {
  return key.length <= MAX_ATTEMPT_KEY && /^[^:\s]+:\d+:\d+(?::[^:\s]+:\d+)+$/.test(key);
}

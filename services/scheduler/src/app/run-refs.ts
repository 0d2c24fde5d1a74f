import { BatonError, type FieldViolation } from '@baton/kit';
import { canonicalJson } from '@baton/model';
import type { InstanceSnapshot, RunParamMap } from '../domain';
import type { RunHead } from '../store/documents';

export interface RunRefInput {
  workflowId: string;
  instanceId: number;
  /** 0 = the latest run. */
  runId: number;
}

export interface LoadedRun {
  head: RunHead;
  snapshot: InstanceSnapshot;
}

/** Run params compared by content: key order and "none" versus "empty" do not tell starts apart. */
export function paramsText(params: string | RunParamMap | undefined): string {
  const value = typeof params === 'string' ? (JSON.parse(params) as RunParamMap) : params;
  return value && Object.keys(value).length > 0 ? canonicalJson(value) : '';
}

export function invalid(message: string, violations: FieldViolation[]): never {
  throw BatonError.invalid(message, violations);
}

/** Idempotency keys are stored (and in event ids): starts, restarts and commands bound them alike. */
export function checkRequestId(requestId: string): void {
  if (requestId.length > 256)
    invalid('request_id is too long', [{ field: 'request_id', description: 'at most 256 characters' }]);
}

/** A command's reason goes into the run's timeline: at most this long. */
export const MAX_REASON_LENGTH = 1000;

export function checkReason(reason: string): void {
  if (reason.length > MAX_REASON_LENGTH)
    invalid('reason is too long', [
      { field: 'reason', description: `at most ${MAX_REASON_LENGTH} characters` },
    ]);
}

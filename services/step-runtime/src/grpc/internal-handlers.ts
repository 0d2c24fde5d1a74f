import type { UnaryHandler } from '@baton/kit';
import type { internal } from '@baton/proto';
import type { AttemptControl } from '../app/attempt-control.js';

/** baton.internal.v1.StepRuntimeInternalService: proto ↔ domain only. */
export function internalHandlers(control: AttemptControl) {
  const checkAttempts: UnaryHandler<internal.CheckAttemptsRequest, internal.CheckAttemptsResponse> = async (
    req,
  ) => {
    const found = await control.check(req.attemptKeys);
    const attempts: Record<string, internal.AttemptLiveness> = {};
    for (const [key, l] of found) {
      attempts[key] = {
        claimed: l.claimed,
        leaseUntil: l.leaseUntil,
        finished: l.finished,
        worker: l.worker,
      };
    }
    return { attempts };
  };
  return { CheckAttempts: checkAttempts };
}

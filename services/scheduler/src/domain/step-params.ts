import type { Draft } from './draft';
import type { JsonObject } from './json';
import { evaluateStepParams } from './scopes';
import { failStep } from './step-outcome';

/** Evaluates a step's params for `attempt`; on error the step is INTERNALLY_FAILED and undefined returned. */
export function paramsOrFail(d: Draft, i: number, attempt: number): JsonObject | undefined {
  try {
    return evaluateStepParams(d, i, attempt);
  } catch (e) {
    failStep(d, i, 'INTERNALLY_FAILED', e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

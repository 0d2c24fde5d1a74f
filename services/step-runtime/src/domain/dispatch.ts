import type { StepParams } from '../runner/index.js';

/**
 * One attempt as the scheduler enqueues it, checked (redis/work-message.ts reads it from the
 * WorkMessage on the work stream). `attemptKey` (`<instanceKey>:<stepId>:<attempt>`)
 * is the claim id and user code's idempotency key.
 */
export interface Dispatch {
  attemptKey: string;
  instanceKey: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  attempt: number;
  /** Upper-case step type (SHELL, PYTHON, …) as the scheduler sends it; checked at run time. */
  stepType: string;
  params: StepParams;
  timeoutSeconds?: number;
  pool: string;
  /** W3C trace context of the decision that dispatched the attempt; absent when tracing is off. */
  trace?: { traceparent: string; tracestate: string };
}

/** The step types this service runs (the runner's). Anything else is reported FATALLY_FAILED. */
export function isRunnableType(
  stepType: string,
): stepType is 'SHELL' | 'PYTHON' | 'NOTEBOOK' | 'HTTP' | 'SQL' | 'DOCKER' {
  return ['SHELL', 'PYTHON', 'NOTEBOOK', 'HTTP', 'SQL', 'DOCKER'].includes(stepType);
}

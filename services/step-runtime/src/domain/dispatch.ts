import type { StepParams } from '../runner/index.js';

/**
 * One attempt as the scheduler enqueues it: field `a` of a message on `{baton}:work:<pool>`,
 * JSON. `attemptKey` (`<instanceKey>:<stepId>:<attempt>`) is the claim id and user code's
 * idempotency key.
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
}

export type ParsedDispatch = { ok: true; dispatch: Dispatch } | { ok: false; error: string };

/** Parses and checks a queue message body. Pure; never throws. */
export function parseDispatch(raw: string | undefined): ParsedDispatch {
  if (raw === undefined) return { ok: false, error: 'message has no field "a"' };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    return { ok: false, error: `field "a" is not JSON: ${(err as Error).message}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, error: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  const problems: string[] = [];
  const str = (k: string) => {
    if (typeof o[k] !== 'string' || o[k] === '') problems.push(`${k} must be a non-empty string`);
    return o[k] as string;
  };
  const int = (k: string, min: number) => {
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) < min)
      problems.push(`${k} must be an integer ≥ ${min}`);
    return o[k] as number;
  };
  const d: Dispatch = {
    attemptKey: str('attemptKey'),
    instanceKey: str('instanceKey'),
    workflowId: str('workflowId'),
    instanceId: int('instanceId', 1),
    runId: int('runId', 1),
    stepId: str('stepId'),
    attempt: int('attempt', 1),
    stepType: typeof o.stepType === 'string' ? o.stepType.toUpperCase() : str('stepType'),
    params: {},
    pool: typeof o.pool === 'string' && o.pool !== '' ? o.pool : 'default',
  };
  if (o.params !== undefined && o.params !== null) {
    if (typeof o.params !== 'object' || Array.isArray(o.params)) problems.push('params must be an object');
    else d.params = o.params as StepParams;
  }
  if (o.timeoutSeconds !== undefined && o.timeoutSeconds !== null) {
    if (typeof o.timeoutSeconds !== 'number' || !(o.timeoutSeconds >= 0)) {
      problems.push('timeoutSeconds must be a number ≥ 0');
    } else d.timeoutSeconds = o.timeoutSeconds;
  }
  if (problems.length > 0) return { ok: false, error: problems.join('; ') };
  return { ok: true, dispatch: d };
}

/** The step types this service runs (the runner's). Anything else is reported FATALLY_FAILED. */
export function isRunnableType(
  stepType: string,
): stepType is 'SHELL' | 'PYTHON' | 'NOTEBOOK' | 'HTTP' | 'SQL' | 'DOCKER' {
  return ['SHELL', 'PYTHON', 'NOTEBOOK', 'HTTP', 'SQL', 'DOCKER'].includes(stepType);
}

import type { FieldViolation } from '@baton/sdk';
import { type ApiError, apiError } from './api-errors';

/** GetStepArtifactRequest as the SDK takes it (int64 fields as decimal strings). */
export interface ArtifactRequest {
  workflowId: string;
  instanceId: string;
  runId: string;
  stepId: string;
  attemptId: number;
}

/** Longer than any id the definition service accepts; the service checks the rest. */
const MAX_ID_CHARS = 256;
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2 ** 31 - 1;

/**
 * `GET /api/artifact?workflowId=…&instanceId=…&stepId=…[&runId=…][&attemptId=…]`: the query read
 * strictly, every problem named at once. runId and attemptId default to 0 (the latest, as the RPC
 * says); an unknown or repeated parameter is refused rather than ignored.
 */
export function parseArtifactQuery(query: URLSearchParams): { value: ArtifactRequest } | { error: ApiError } {
  const violations: FieldViolation[] = [];
  const allowed = ['workflowId', 'instanceId', 'runId', 'stepId', 'attemptId'];
  for (const key of new Set(query.keys())) {
    if (!allowed.includes(key))
      violations.push({ field: key.slice(0, 100), description: 'unknown parameter' });
    else if (query.getAll(key).length > 1)
      violations.push({ field: key, description: 'given more than once' });
  }
  const id = (field: string): string => {
    const value = query.get(field) ?? '';
    if (value === '') violations.push({ field, description: 'required' });
    else if (value.length > MAX_ID_CHARS)
      violations.push({ field, description: `at most ${MAX_ID_CHARS} characters` });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    else if (/[\u0000-\u001f\u007f]/.test(value))
      violations.push({ field, description: 'must not contain control characters' });
    return value;
  };
  const int = (field: string, min: bigint, max: bigint, fallback: string | undefined): string => {
    const value = query.get(field) ?? fallback ?? '';
    if (value === '') violations.push({ field, description: 'required' });
    else if (!/^\d{1,19}$/.test(value) || BigInt(value) < min || BigInt(value) > max)
      violations.push({ field, description: `an integer from ${min} to ${max}` });
    return value;
  };
  const value: ArtifactRequest = {
    workflowId: id('workflowId'),
    instanceId: int('instanceId', 1n, INT64_MAX, undefined),
    runId: int('runId', 0n, INT64_MAX, '0'),
    stepId: id('stepId'),
    attemptId: Number(int('attemptId', 0n, BigInt(INT32_MAX), '0')),
  };
  if (violations.length > 0)
    return { error: apiError('INVALID_ARGUMENT', 'the artifact query is not valid', violations) };
  return { value };
}

/**
 * The download's file name: the service's name for it (executed.ipynb) with anything but letters,
 * digits, dot, dash and underscore replaced, so it can go into a header unquoted-safe and never names
 * a path. Never empty, never a dot file.
 */
export function artifactFileName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 100);
  return safe === '' ? 'artifact' : safe;
}

/**
 * A notebook is JSON; anything else is opaque bytes. Never text/html or an image type the browser
 * would render on the console's origin.
 */
export function artifactContentType(name: string): string {
  return name.toLowerCase().endsWith('.ipynb') ? 'application/json' : 'application/octet-stream';
}

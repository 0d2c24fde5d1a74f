import { type ValidateOptions, parsePushRequest } from '../src/push-request';
import type { FieldViolation } from '../src/violations';
import type { PushRequest } from '../src/push-request';

/** A NoOp step entry with optional successors and extra fields. */
export function noop(
  id: string,
  successors?: Record<string, string>,
  extra: Record<string, unknown> = {},
): unknown {
  return { step: { id, type: 'NoOp', ...(successors ? { transition: { successors } } : {}), ...extra } };
}

/** A push request around `steps`, with extra workflow fields. */
export function pushText(
  steps: unknown[],
  workflow: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): string {
  return JSON.stringify({ ...top, workflow: { id: 'test.wf', steps, ...workflow } });
}

/** Parses and expects success. */
export function valid(text: string, opts?: ValidateOptions): PushRequest {
  const r = parsePushRequest(text, opts);
  if (!r.ok) throw new Error(`expected valid, got ${JSON.stringify(r.violations, null, 1)}`);
  return r.request;
}

/** Parses and expects failure. */
export function invalid(text: string, opts?: ValidateOptions): FieldViolation[] {
  const r = parsePushRequest(text, opts);
  if (r.ok) throw new Error('expected violations, got a valid request');
  return r.violations;
}

/** A chain of `n` NoOp steps s0 → s1 → ... */
export function chain(n: number, prefix = 's'): unknown[] {
  const steps: unknown[] = [];
  for (let i = 0; i < n; i++)
    steps.push(noop(`${prefix}${i}`, i + 1 < n ? { [`${prefix}${i + 1}`]: 'true' } : undefined));
  return steps;
}

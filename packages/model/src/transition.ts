import { keyPath } from './json-path';
import { asObject, rejectUnknownKeys } from './reader';
import type { StepTransition } from './step-types';
import { type Ctx, checkSource, report } from './violations';

const TRANSITION_KEYS = new Set(['successors', 'predecessors']);

/** Reads a step's `transition`; the graph checks (unknown successors, cycles) come later. */
export function parseTransition(ctx: Ctx, path: string, v: unknown): StepTransition {
  const transition: StepTransition = { successors: {} };
  if (v == null) return transition;
  const obj = asObject(ctx, path, v);
  if (!obj) return transition;
  rejectUnknownKeys(ctx, path, obj, TRANSITION_KEYS);
  if (obj.successors != null) {
    const sp = keyPath(path, 'successors');
    for (const [next, cond] of Object.entries(asObject(ctx, sp, obj.successors) ?? {})) {
      const p = keyPath(sp, next);
      // Jackson reads a JSON boolean into the String condition; accept `true` likewise.
      const condition = typeof cond === 'boolean' ? String(cond) : cond;
      if (typeof condition !== 'string' || condition.trim() === '') {
        report(ctx, p, 'a successor condition must be a SEL condition string such as "true"');
        continue;
      }
      checkSource(ctx, p, condition, 'condition');
      transition.successors[next] = condition;
    }
  }
  if (obj.predecessors != null) {
    const pp = keyPath(path, 'predecessors');
    if (!Array.isArray(obj.predecessors) || !obj.predecessors.every((x) => typeof x === 'string')) {
      report(ctx, pp, 'predecessors must be an array of step ids');
    } else {
      transition.predecessors = obj.predecessors as string[];
    }
  }
  return transition;
}

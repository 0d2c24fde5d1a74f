import type { StepDef } from '@baton/model';

/** Steps decide completes itself: no worker round trip. */
const INLINE = new Set(['NOOP', 'JOIN', 'SLEEP']);

/** Whether the step is an attempt dispatched to step-runtime (counts against step concurrency). */
export function isDispatched(def: StepDef): boolean {
  return def.kind === 'step' && !INLINE.has(def.type);
}

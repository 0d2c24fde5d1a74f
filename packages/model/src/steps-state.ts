import type { StepDef } from './step-types';

/** One list of steps (a nesting level) kept for the checks that need the whole definition. */
export interface StepLevel {
  /** Path of the `steps` array. */
  path: string;
  steps: StepDef[];
  /** Path of each step's body (`workflow.steps[3].step`), parallel to `steps`. */
  bases: string[];
}

/** Bookkeeping shared by the step parsers across nesting levels. */
export interface StepsState {
  /** Steps seen so far, nested included. */
  count: number;
  /** Every step id → path of its first definition (ids are unique across nesting levels). */
  ids: Map<string, string>;
  /** Loop variable names of the enclosing foreach/while steps. */
  loopParamNames: Set<string>;
  levels: StepLevel[];
}

export function newStepsState(): StepsState {
  return { count: 0, ids: new Map(), loopParamNames: new Set(), levels: [] };
}

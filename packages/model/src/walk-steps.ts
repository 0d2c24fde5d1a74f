import { indexPath, keyPath } from './json-path';
import type { StepDef } from './step-types';
import type { WorkflowDef } from './workflow';

/** Where a visited step sits. */
export interface StepLocation {
  /** JSON path of the step body, e.g. `workflow.steps[0].foreach.steps[2].step`. */
  path: string;
  /** 1 for the workflow's own steps, 2 inside a top-level foreach/while, and so on. */
  depth: number;
  /** The enclosing foreach/while step, if any. */
  parent?: StepDef;
}

/**
 * Visits every step of a workflow depth-first in definition order, nested steps right after their
 * foreach/while step.
 */
export function walkSteps(
  workflow: Pick<WorkflowDef, 'steps'>,
  visit: (step: StepDef, at: StepLocation) => void,
): void {
  walk(workflow.steps, 'workflow.steps', 1, undefined, visit);
}

function walk(
  steps: readonly StepDef[],
  path: string,
  depth: number,
  parent: StepDef | undefined,
  visit: (step: StepDef, at: StepLocation) => void,
): void {
  steps.forEach((step, i) => {
    const at = keyPath(indexPath(path, i), step.kind);
    visit(step, parent ? { path: at, depth, parent } : { path: at, depth });
    if (step.kind === 'foreach' || step.kind === 'while')
      walk(step.steps, keyPath(at, 'steps'), depth + 1, step, visit);
  });
}

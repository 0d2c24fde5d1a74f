import { indexPath, keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import { parseStepEntry } from './parse-step';
import { asArray } from './reader';
import { findCycle, stepGraph } from './step-graph';
import type { StepDef } from './step-types';
import type { StepsState } from './steps-state';
import { type Ctx, report } from './violations';

/** Parses a `steps` array at nesting `depth` (1 = the workflow's own steps). */
export function parseStepList(
  ctx: Ctx,
  path: string,
  v: unknown,
  depth: number,
  state: StepsState,
): StepDef[] {
  if (v == null) {
    report(ctx, path, 'steps are required: at least one step');
    return [];
  }
  const list = asArray(ctx, path, v);
  if (!list) return [];
  if (list.length === 0) report(ctx, path, 'steps cannot be empty');
  const steps: StepDef[] = [];
  const bases: string[] = [];
  list.forEach((entry, i) => {
    const p = indexPath(path, i);
    const step = parseStepEntry(ctx, p, entry, depth, state, parseStepList);
    if (!step) return;
    steps.push(step);
    bases.push(keyPath(p, Object.keys(entry as object)[0]!));
  });
  state.levels.push({ path, steps, bases });
  return steps;
}

/**
 * The checks that need every step first: the step count, successors that name no step of their own
 * level, predecessors that disagree with the DAG, and cycles (only `while` may loop).
 */
export function checkStepLevels(ctx: Ctx, rootPath: string, state: StepsState): void {
  if (state.count > DEFINITION_LIMITS.maxSteps) {
    report(
      ctx,
      rootPath,
      `the definition has ${state.count} steps, over the limit of ${DEFINITION_LIMITS.maxSteps}`,
    );
  }
  for (const level of state.levels) checkLevel(ctx, level.path, level.steps, level.bases, state);
}

function checkLevel(ctx: Ctx, path: string, steps: StepDef[], bases: string[], state: StepsState): void {
  const graph = stepGraph(steps);
  steps.forEach((step, i) => {
    const transitionPath = keyPath(bases[i]!, 'transition');
    for (const next of Object.keys(step.transition.successors)) {
      if (graph.successors.has(next)) continue;
      const elsewhere = state.ids.get(next);
      report(
        ctx,
        keyPath(keyPath(transitionPath, 'successors'), next),
        elsewhere
          ? `successor '${next}' is at another nesting level (${elsewhere}); successors must be steps of the same steps list`
          : `successor '${next}' is not a step of this workflow`,
      );
    }
    const declared = step.transition.predecessors;
    if (declared && declared.length > 0) {
      const computed = graph.predecessors.get(step.id) ?? [];
      const computedSet = new Set(computed);
      const same = new Set(declared).size === computedSet.size && declared.every((d) => computedSet.has(d));
      if (!same) {
        report(
          ctx,
          keyPath(transitionPath, 'predecessors'),
          `predecessors [${declared.join(', ')}] do not match the DAG's [${computed.join(', ')}]`,
        );
      }
    }
  });
  const cycle = findCycle(graph);
  if (cycle) {
    report(ctx, path, `steps form a cycle: ${cycle.join(' -> ')}; only a while step may repeat steps`);
  }
}

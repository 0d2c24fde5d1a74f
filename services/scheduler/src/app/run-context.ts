import type { StepDef } from '@baton/model';
import type { BreakpointRule, DecideContext, EngineConfig } from '../domain';
import type { RunHead } from '../store/documents';
import type { Definitions } from './definitions';

/** Finds the nested steps of a foreach (or while) step, at any depth. */
export function nestedSteps(steps: readonly StepDef[], stepId: string): readonly StepDef[] | undefined {
  for (const s of steps) {
    if ((s.kind === 'foreach' || s.kind === 'while') && s.id === stepId) return s.steps;
    if (s.kind === 'foreach' || s.kind === 'while') {
      const found = nestedSteps(s.steps, stepId);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The decide context of a run, rebuilt from its head by any replica: the pinned
 * definition (cached per version, so `steps` keeps its identity and decide's plan
 * cache hits) and, for a foreach iteration, the nested step list.
 */
export async function contextOf(
  head: RunHead,
  defs: Definitions,
  config: EngineConfig,
  breakpoints?: { of(workflowId: string): readonly BreakpointRule[] },
): Promise<DecideContext> {
  const run = head.run;
  // Breakpoints only when there are some: a decision without them records and replays as before.
  const stops = (workflowId: string, version: number) => {
    const list = breakpoints?.of(workflowId) ?? [];
    return list.length > 0 ? { breakpoints: list, version } : {};
  };
  if (run.kind === 'workflow') {
    const pinned = await defs.pinned(head.workflow_id, head.workflow_version);
    return {
      workflow: pinned.workflow,
      stepConcurrency: head.step_concurrency || undefined,
      config,
      ...stops(head.workflow_id, head.workflow_version),
    };
  }
  const pinned = await defs.pinned(run.workflowId, run.version);
  if (run.kind === 'subworkflow')
    return { workflow: pinned.workflow, config, ...stops(run.workflowId, run.version) };
  const steps = nestedSteps(pinned.workflow.steps, run.stepId);
  if (!steps) throw new Error(`step ${run.stepId} of ${run.workflowId} v${run.version} has no nested steps`);
  return {
    workflow: pinned.workflow,
    steps,
    ancestors: run.ancestors,
    config,
    ...stops(run.workflowId, run.version),
  };
}

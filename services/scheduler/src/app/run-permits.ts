import { DEFINITION_LIMITS } from '@baton/model';
import { type Action, instancePermitTag, workflowPermitTag } from '../domain';
import type { PermitTag } from '../redis/permit-gate';
import type { InflightAttempt, RunHead } from '../store/documents';

/**
 * The reserved permit tags of runs (Maestro's step concurrency as tag permits). A leaf step's
 * attempt takes a permit of each while it runs:
 * - `maestro_workflow:<id>`, limit step_concurrency: the workflow's leaf steps across all its runs
 *   and their foreach/while iterations;
 * - `maestro_instance:<root key>`, limit instance_step_concurrency: the leaf steps of one run's whole
 *   tree — its iterations and its subworkflows, nested at any depth.
 * A subworkflow's run takes its own workflow's tag (its step_concurrency) and its parent's instance
 * tags, plus one of its own when it sets instance_step_concurrency.
 */
export function topRunPermits(
  workflowId: string,
  key: string,
  stepConcurrency: number | undefined,
  instanceStepConcurrency: number | undefined,
): PermitTag[] {
  const out: PermitTag[] = [
    [workflowPermitTag(workflowId), stepConcurrency || DEFINITION_LIMITS.defaultStepConcurrency],
  ];
  if (instanceStepConcurrency) out.push([instancePermitTag(key), instanceStepConcurrency]);
  return out;
}

/** A foreach/while iteration takes its parent's tags (same workflow, same tree). */
export function iterationPermits(parent: RunHead): PermitTag[] | undefined {
  return parent.permits;
}

/** A subworkflow's run: the parent's trees, its own workflow, and its own tree when it caps one. */
export function subworkflowPermits(
  parent: RunHead,
  childKey: string,
  workflowId: string,
  stepConcurrency: number | undefined,
  instanceStepConcurrency: number | undefined,
): PermitTag[] {
  const trees = (parent.permits ?? []).filter(([tag]) => tag.startsWith(instancePermitTag('')));
  const own = topRunPermits(workflowId, childKey, stepConcurrency, instanceStepConcurrency);
  return [own[0]!, ...trees, ...own.slice(1)];
}

/** A restarted run (a new key): the same limits; its own tree tag follows the new key. */
export function restartPermits(head: RunHead, newKey: string): PermitTag[] | undefined {
  return head.permits?.map(
    ([tag, limit]): PermitTag =>
      tag === instancePermitTag(head._id) ? [instancePermitTag(newKey), limit] : [tag, limit],
  );
}

/** Every tag an attempt takes: its run's reserved tags and its user tags (limit read in the gate). */
export function attemptPermits(head: RunHead, userTags: readonly string[] | undefined): PermitTag[] {
  const out: PermitTag[] = [...(head.permits ?? [])];
  for (const t of userTags ?? []) out.push([t, -1]);
  return out;
}

/**
 * The attempts whose permits a decision gives back: those that left the run's in-flight list, and
 * those it dispatched and ended at once (never listed). Computed from the head before and after, so
 * a decision redone after a crash gives back the same ones again (harmless: release is idempotent).
 */
export function releasedAttempts(
  before: readonly InflightAttempt[],
  actions: readonly Action[],
  after: readonly InflightAttempt[],
): { attemptKey: string; userTags: string[] }[] {
  const still = new Set(after.map((f) => f.key));
  const out: { attemptKey: string; userTags: string[] }[] = [];
  for (const f of before) if (!still.has(f.key)) out.push({ attemptKey: f.key, userTags: f.tags ?? [] });
  const listed = new Set(before.map((f) => f.key));
  for (const a of actions) {
    if (a.type !== 'dispatchAttempt' || still.has(a.attemptKey) || listed.has(a.attemptKey)) continue;
    out.push({ attemptKey: a.attemptKey, userTags: a.tags ?? [] });
  }
  return out;
}

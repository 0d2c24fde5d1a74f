import type { StepDef } from '@baton/model';
import type { InstanceSnapshot } from './snapshot';

/** Leaf steps by status (`SUCCEEDED → 9,998`, ...). */
export type LeafCounts = Record<string, number>;

/** Adds `more` into `into` (in place). */
export function addCounts(into: LeafCounts, more: LeafCounts | undefined): LeafCounts {
  for (const [k, v] of Object.entries(more ?? {})) into[k] = (into[k] ?? 0) + v;
  return into;
}

/**
 * Leaf steps by status across this instance's level and every child instance below it that has
 * ended: a foreach, while or subworkflow step adds up what its ended children reported (each
 * child reports its own rollup when it ends), so the count costs O(steps of this level), never
 * O(iterations). A container step adds no leaf of its own; children still running count once
 * they end.
 */
export function leafCounts(
  snap: InstanceSnapshot,
  defOf: (stepId: string) => StepDef | undefined,
): LeafCounts {
  const out: LeafCounts = {};
  for (const s of snap.steps) {
    if (s.child) addCounts(out, s.child.leafCounts);
    else if ((defOf(s.id)?.kind ?? 'step') === 'step') out[s.status] = (out[s.status] ?? 0) + 1;
  }
  return out;
}

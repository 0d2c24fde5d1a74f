import type { StepDef } from '@baton/model';

/**
 * One nesting level compiled for decide: ids, indices and edges as arrays. Built once per `steps`
 * array object (cached weakly), so a decide call costs O(changed steps) plus O(steps) copying.
 */
export interface Plan {
  defs: readonly StepDef[];
  ids: string[];
  index: Map<string, number>;
  /** successors[i]: [successor index, condition source][] in definition order. */
  successors: [number, string][][];
  predecessors: number[][];
}

const cache = new WeakMap<readonly StepDef[], Plan>();

export function planOf(steps: readonly StepDef[]): Plan {
  let plan = cache.get(steps);
  if (!plan) {
    plan = compile(steps);
    cache.set(steps, plan);
  }
  return plan;
}

function compile(defs: readonly StepDef[]): Plan {
  const ids = defs.map((d) => d.id);
  const index = new Map<string, number>();
  for (const [i, id] of ids.entries()) index.set(id, i);
  const successors: [number, string][][] = ids.map(() => []);
  const predecessors: number[][] = ids.map(() => []);
  defs.forEach((d, i) => {
    for (const [next, cond] of Object.entries(d.transition.successors)) {
      const j = index.get(next);
      if (j === undefined) continue;
      successors[i]!.push([j, cond]);
      predecessors[j]!.push(i);
    }
  });
  return { defs, ids, index, successors, predecessors };
}

/** `from` and every step reachable from it, in breadth-first order. */
export function downstream(plan: Plan, from: number): number[] {
  const seen = new Set<number>([from]);
  const out = [from];
  for (let k = 0; k < out.length; k++) {
    for (const [j] of plan.successors[out[k]!]!) {
      if (!seen.has(j)) {
        seen.add(j);
        out.push(j);
      }
    }
  }
  return out;
}

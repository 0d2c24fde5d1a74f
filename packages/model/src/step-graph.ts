import type { StepDef } from './step-types';

/** The DAG of one nesting level: steps and the edges between steps of that same level. */
export interface StepGraph {
  /** Step ids in definition order. */
  ids: string[];
  /** Steps with no predecessor, in definition order: where an instance of this level starts. */
  roots: string[];
  successors: Map<string, string[]>;
  predecessors: Map<string, string[]>;
}

/**
 * Builds the graph of one list of steps (one nesting level; nested foreach/while steps form their
 * own graphs). Successors that name no step of this level are left out: validation reports them.
 */
export function stepGraph(steps: readonly StepDef[]): StepGraph {
  const ids = steps.map((s) => s.id);
  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  for (const id of ids) {
    successors.set(id, []);
    predecessors.set(id, []);
  }
  for (const step of steps) {
    for (const next of Object.keys(step.transition.successors)) {
      const preds = predecessors.get(next);
      if (!preds) continue;
      successors.get(step.id)!.push(next);
      preds.push(step.id);
    }
  }
  const roots = ids.filter((id) => predecessors.get(id)!.length === 0);
  return { ids, roots, successors, predecessors };
}

/**
 * Finds one cycle in a graph, in linear time (iterative DFS with three colours), returned as the
 * ids along it with the first repeated at the end (`a → b → a`), or undefined for a DAG.
 */
export function findCycle(graph: Pick<StepGraph, 'ids' | 'successors'>): string[] | undefined {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<string, number>();
  for (const root of graph.ids) {
    if ((colour.get(root) ?? WHITE) !== WHITE) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    colour.set(root, GREY);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const succ = graph.successors.get(top.id) ?? [];
      if (top.next >= succ.length) {
        colour.set(top.id, BLACK);
        stack.pop();
        continue;
      }
      const child = succ[top.next++]!;
      const c = colour.get(child) ?? WHITE;
      if (c === GREY) {
        const start = stack.findIndex((f) => f.id === child);
        return [...stack.slice(start).map((f) => f.id), child];
      }
      if (c === WHITE) {
        colour.set(child, GREY);
        stack.push({ id: child, next: 0 });
      }
    }
  }
  return undefined;
}

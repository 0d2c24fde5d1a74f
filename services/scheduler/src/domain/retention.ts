import { childKeyOf } from './actions';
import type { InstanceSnapshot } from './snapshot';
import { type InstanceStatus, isInstanceTerminal } from './statuses';

const DAY_MS = 86_400_000;

/** The instant before which ended instances expire, or undefined when `days` is 0 (kept forever). */
export function retentionCutoff(days: number, now: number): number | undefined {
  return days > 0 ? now - days * DAY_MS : undefined;
}

/** What retention needs to know of one run (its head). */
export interface RunFacts {
  status: InstanceStatus;
  ended_at?: number;
  /** A decision newer than the head exists (inserted, not applied yet): the run may still move. */
  unapplied?: boolean;
}

/**
 * An instance expires when it has runs, every one of them ended (terminal) before the cutoff, and
 * none has a decision waiting to be applied. An instance with no run yet is not ended: it is being
 * created (or its creation crashed and a retry of its request will finish it).
 */
export function instanceExpired(runs: RunFacts[], cutoff: number): boolean {
  if (runs.length === 0) return false;
  return runs.every(
    (r) => isInstanceTerminal(r.status) && r.ended_at !== undefined && r.ended_at < cutoff && !r.unapplied,
  );
}

/** Keys of one step's children from iteration `from` on: looked up in order until one is missing. */
export interface ChildProbe {
  from: number;
  keyAt: (iteration: number) => string;
}

/**
 * The child instances a run started, as keys (foreach/while iterations, subworkflows): `next` per
 * step counts the iterations launched. Past that count a caller probes by key until one is
 * missing (a child created just before the counter that names it was written).
 */
export function childKeysOf(snap: InstanceSnapshot): { keys: string[]; probes: ChildProbe[] } {
  const keys: string[] = [];
  const probes: ChildProbe[] = [];
  for (const s of snap.steps) {
    if (!s.child) continue;
    const launched = Math.max(0, s.child.next);
    for (let i = 0; i < launched; i++) keys.push(childKeyOf(snap.key, s.id, i));
    probes.push({ from: launched, keyAt: (i) => childKeyOf(snap.key, s.id, i) });
  }
  return { keys, probes };
}

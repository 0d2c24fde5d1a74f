import { childKeysOf, type InstanceSnapshot } from '../domain';
import type { InstanceStore } from '../store/instance-store';

/** Runs handled together (their heads and decisions read in parallel, their deletes batched). */
const GROUP = 100;
/** Reads by `_id` in flight at once. */
const READ_WIDTH = 64;

async function inParallel<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

/**
 * Deletes runs with everything under them, leaves first, so that a purge killed at any point
 * leaves a state the next purge finishes and that reads and the engine take in their stride:
 *
 *   1. the run's children (foreach/while iterations, subworkflows), recursively — found from the
 *      run's newest snapshot, which is therefore deleted after them;
 *   2. its instance events (ids from its decisions' `consumed` lists), child-event inbox and
 *      live_runs entry;
 *   3. its decisions — a head whose decisions are gone reads as "not found";
 *   4. its head, last: as long as it exists, the next purge finds the run again.
 *
 * A run whose newest decision is gone had its children deleted already (step 1 precedes step 3).
 * Every delete is by `_id`, in bulks of at most 1,000.
 */
export class RunPurge {
  constructor(private readonly store: InstanceStore) {}

  /** Deletes the runs `keys` and all they hold; returns the documents deleted. */
  async purge(keys: string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < keys.length; i += GROUP) deleted += await this.purgeGroup(keys.slice(i, i + GROUP));
    return deleted;
  }

  private async purgeGroup(keys: string[]): Promise<number> {
    const heads = await this.store.heads.getHeads(keys);
    if (heads.length === 0) return 0;
    const newest = await Promise.all(heads.map((h) => this.store.decisions.latestDecision(h._id, h.seq)));
    // 1. Children first (from each run's newest snapshot).
    const children: string[] = [];
    for (const d of newest) {
      if (!d) continue;
      const { keys: known, probes } = childKeysOf(JSON.parse(d.snapshot) as InstanceSnapshot);
      children.push(...known);
      for (const p of probes) {
        for (let i = p.from; (await this.store.heads.getHead(p.keyAt(i))) !== null; i++)
          children.push(p.keyAt(i));
      }
    }
    let deleted = children.length > 0 ? await this.purge(children) : 0;
    // 2. Events (named by the decisions that consumed them), inbox and live entries.
    const decisionRefs = heads.flatMap((h, i) => {
      const last = Math.max(h.seq, newest[i]?.seq ?? -1);
      return Array.from({ length: last + 1 }, (_, seq) => ({ key: h._id, seq }));
    });
    const decisions = await inParallel(decisionRefs, READ_WIDTH, (r) =>
      this.store.decisions.getDecision(r.key, r.seq),
    );
    // The start event is consumed by the first decision; named here too in case it never was.
    const eventIds = [...keys.map((k) => `${k}:start`), ...decisions.flatMap((d) => d?.consumed ?? [])];
    const inboxIds = decisions.flatMap((d) => d?.inbox ?? []);
    deleted += await this.store.events.deleteByIds(eventIds, inboxIds);
    deleted += await this.store.heads.deleteLiveEntries(keys);
    const decisionIds = decisionRefs.map((r) => `${r.key}:${r.seq}`);
    // 3. Decisions, 4. heads.
    deleted += await this.store.decisions.deleteDecisions(decisionIds);
    deleted += await this.store.heads.deleteHeads(keys);
    return deleted;
  }
}

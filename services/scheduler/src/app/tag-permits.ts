import { BatonError } from '@baton/kit';
import { tagNameProblem } from '@baton/model';
import type { PermitGate } from '../redis/permit-gate';
import { MAX_TAG_PERMITS, type TagPermitStore } from '../store/tag-permit-store';
import { invalid } from './run-refs';

/** The largest permit a tag can have. */
export const MAX_ALLOWED_PERMITS = 100_000;

export interface TagPermitView {
  tag: string;
  maxAllowed: number;
  running: number;
  waiting: number;
  updatedAt: number;
}

/**
 * User tag permits: stored in MongoDB (the truth), copied to the permit gate's Redis hash, which
 * the gate reads when it checks an attempt. A crash between the two writes, or a Redis that lost its
 * data, is mended by `restore` (the sweeper calls it).
 */
export class TagPermits {
  constructor(
    private readonly store: TagPermitStore,
    private readonly gate: PermitGate,
  ) {}

  async set(tag: string, maxAllowed: number): Promise<TagPermitView> {
    checkTag(tag);
    if (!Number.isInteger(maxAllowed) || maxAllowed < 0 || maxAllowed > MAX_ALLOWED_PERMITS) {
      invalid(`max_allowed must be from 0 to ${MAX_ALLOWED_PERMITS}, got ${maxAllowed}`, [
        { field: 'max_allowed', description: `must be an integer from 0 to ${MAX_ALLOWED_PERMITS}` },
      ]);
    }
    if (!(await this.store.get(tag)) && (await this.store.count()) >= MAX_TAG_PERMITS) {
      throw BatonError.precondition(
        `there are ${MAX_TAG_PERMITS} tag permits already; delete one first`,
        'TOO_MANY_TAG_PERMITS',
      );
    }
    const doc = await this.store.set(tag, maxAllowed, Date.now());
    await this.gate.setLimits({ [tag]: maxAllowed });
    const [use] = await this.gate.usage([tag]);
    return { tag, maxAllowed, updatedAt: doc.updated_at, running: use!.held, waiting: use!.waiting };
  }

  async delete(tag: string): Promise<boolean> {
    checkTag(tag);
    const deleted = await this.store.delete(tag);
    // Also when nothing was stored: a copy left in Redis by a crash goes too.
    await this.gate.setLimits({ [tag]: null });
    return deleted;
  }

  async list(prefix: string): Promise<TagPermitView[]> {
    if (prefix.length > 256)
      invalid('tag_prefix is too long', [{ field: 'tag_prefix', description: 'at most 256 characters' }]);
    const docs = (await this.store.all()).filter((d) => d._id.startsWith(prefix));
    const use = await this.gate.usage(docs.map((d) => d._id));
    return docs.map((d, i) => ({
      tag: d._id,
      maxAllowed: d.max_allowed,
      updatedAt: d.updated_at,
      running: use[i]!.held,
      waiting: use[i]!.waiting,
    }));
  }

  /** Makes the gate's copy equal the stored permits (after a crash, or a Redis that lost its data). */
  async restore(): Promise<void> {
    const stored = new Map((await this.store.all()).map((d) => [d._id, d.max_allowed]));
    const copy = await this.gate.limits();
    const fix: Record<string, number | null> = {};
    for (const [tag, n] of stored) if (copy[tag] !== n) fix[tag] = n;
    for (const tag of Object.keys(copy)) if (!stored.has(tag)) fix[tag] = null;
    await this.gate.setLimits(fix);
  }
}

function checkTag(tag: string): void {
  const problem = tag === '' ? 'is required' : tagNameProblem(tag);
  if (problem) invalid(`tag: ${problem}`, [{ field: 'tag', description: problem }]);
}

import type { Collection } from 'mongodb';

/**
 * breakpoints: `_id` = `<workflowId>:<stepId>:<version|*>:<instance|*>:<run|*>:<attempt|*>` — one
 * breakpoint per scope, so setting it twice is one breakpoint.
 */
export interface BreakpointDoc {
  _id: string;
  workflow_id: string;
  step_id: string;
  version?: number;
  instance_id?: number;
  run_id?: number;
  attempt?: number;
  created_at: number;
}

/**
 * breakpoint_pauses: `_id` = `<instance key>:<stepId>:<attempt>`: a step paused at a breakpoint,
 * so deleting the breakpoint finds the runs to wake. Removed with the breakpoint (a stale one only
 * wakes a run whose step went on already).
 */
export interface BreakpointPauseDoc {
  _id: string;
  breakpoint_id: string;
  instance_key: string;
  step_id: string;
  attempt: number;
}

/** At most this many breakpoints exist (every scheduler keeps them all in memory). */
export const MAX_BREAKPOINTS = 10_000;

export class BreakpointStore {
  constructor(
    private readonly breakpoints: Collection<BreakpointDoc>,
    private readonly pauses: Collection<BreakpointPauseDoc>,
  ) {}

  async put(doc: BreakpointDoc): Promise<void> {
    await this.breakpoints.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  get(id: string): Promise<BreakpointDoc | null> {
    return this.breakpoints.findOne({ _id: id });
  }

  count(): Promise<number> {
    return this.breakpoints.countDocuments({});
  }

  async delete(id: string): Promise<boolean> {
    return (await this.breakpoints.deleteOne({ _id: id })).deletedCount > 0;
  }

  /** Every breakpoint (at most MAX_BREAKPOINTS). */
  all(): Promise<BreakpointDoc[]> {
    return this.breakpoints.find({}).sort({ _id: 1 }).limit(MAX_BREAKPOINTS).toArray();
  }

  ofWorkflow(workflowId: string): Promise<BreakpointDoc[]> {
    return this.breakpoints.find({ workflow_id: workflowId }).sort({ _id: 1 }).toArray();
  }

  /** Records a pause (a repeat — the decision redone — is the same document). */
  async paused(doc: BreakpointPauseDoc): Promise<void> {
    await this.pauses.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  pausesOf(breakpointId: string): Promise<BreakpointPauseDoc[]> {
    return this.pauses.find({ breakpoint_id: breakpointId }).toArray();
  }

  async forget(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.pauses.deleteMany({ _id: { $in: ids } });
  }
}

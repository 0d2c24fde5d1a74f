import { insertAllowingDuplicates, isDuplicateKey } from '@baton/kit';
import type { Collection, Db } from 'mongodb';

export const RUNS_COLLECTION = 'started_runs';

/** A run the signal service started: `_id = <workflow>|<request id>`. */
export interface StartedRunDoc {
  _id: string;
  instance_id: number;
  run_id: number;
  created_at: number;
}

/**
 * Runs started by triggers and backfills, by request id: what a backfill reads to follow its runs.
 * Written after StartWorkflow answered; a crash in between is healed by performing the start
 * again (StartWorkflow is idempotent by request id and answers the same instance).
 */
export class RunStore {
  private readonly runs: Collection<StartedRunDoc>;

  constructor(db: Db) {
    this.runs = db.collection<StartedRunDoc>(RUNS_COLLECTION);
  }

  async record(workflowId: string, requestId: string, instanceId: number, runId: number): Promise<void> {
    try {
      await this.runs.insertOne({
        _id: `${workflowId}|${requestId}`,
        instance_id: instanceId,
        run_id: runId,
        created_at: Date.now(),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** record for many starts in one unordered batch (a repeat of a recorded start is left as it is). */
  async recordMany(
    runs: readonly { workflowId: string; requestId: string; instanceId: number; runId: number }[],
  ): Promise<void> {
    if (runs.length === 0) return;
    const now = Date.now();
    // A repeat of a recorded start is left as it is.
    await insertAllowingDuplicates(
      this.runs,
      runs.map((r) => ({
        _id: `${r.workflowId}|${r.requestId}`,
        instance_id: r.instanceId,
        run_id: r.runId,
        created_at: now,
      })),
    );
  }

  async get(workflowId: string, requestId: string): Promise<StartedRunDoc | null> {
    return this.runs.findOne({ _id: `${workflowId}|${requestId}` });
  }
}

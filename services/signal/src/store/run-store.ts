import { isDuplicateKey } from '@baton/kit';
import type { Collection, Db } from 'mongodb';

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
    this.runs = db.collection<StartedRunDoc>('started_runs');
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

  async get(workflowId: string, requestId: string): Promise<StartedRunDoc | null> {
    return this.runs.findOne({ _id: `${workflowId}|${requestId}` });
  }
}

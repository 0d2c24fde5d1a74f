import type { Collection } from 'mongodb';
import type { PausedWorkflowDoc, QueueDoc } from './documents';
import { type IdDoc, deleteIds, existsById, insertIfAbsent } from './mongo-ops';

/** workflow_queues: each run-strategy queue's cursor and the unblock marks of STRICT_SEQUENTIAL. */
export class QueueStore {
  constructor(readonly collection: Collection<IdDoc & Partial<QueueDoc> & Partial<PausedWorkflowDoc>>) {}

  async queueCursor(workflowId: string): Promise<number> {
    return (await this.collection.findOne({ _id: workflowId }))?.cursor ?? 1;
  }

  async setQueueCursor(workflowId: string, cursor: number): Promise<void> {
    await this.collection.replaceOne(
      { _id: workflowId },
      { cursor, updated_at: Date.now() },
      { upsert: true },
    );
  }

  isUnblocked(workflowId: string, instanceId: number): Promise<boolean> {
    return existsById(this.collection, unblockId(workflowId, instanceId));
  }

  async unblock(workflowId: string, instanceId: number): Promise<void> {
    await insertIfAbsent(this.collection, { _id: unblockId(workflowId, instanceId) });
  }

  /** Pauses a workflow (its new runs wait, CREATED); false when it was paused already. */
  pause(workflowId: string, reason: string, now: number): Promise<boolean> {
    return insertIfAbsent(this.collection, { _id: pausedId(workflowId), reason, paused_at: now });
  }

  /** Resumes a workflow; false when it was not paused. */
  async resume(workflowId: string): Promise<boolean> {
    return (await deleteIds(this.collection, [pausedId(workflowId)])) > 0;
  }

  isPaused(workflowId: string): Promise<boolean> {
    return existsById(this.collection, pausedId(workflowId));
  }

  /** Retention: the instance's unblock mark goes with it. */
  async deleteUnblock(workflowId: string, instanceId: number): Promise<void> {
    await deleteIds(this.collection, [unblockId(workflowId, instanceId)]);
  }
}

const unblockId = (workflowId: string, instanceId: number) => `${workflowId}:unblock:${instanceId}`;
const pausedId = (workflowId: string) => `${workflowId}:paused`;

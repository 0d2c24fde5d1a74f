import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StepRuntimeClient } from '@baton/sdk';
import type { Action, ChildFinishedEvent, InstanceStatus, StartChildAction } from '../domain';
import { KEYS } from '../redis/keys';
import type { RunHead } from '../store/documents';
import type { EventLog } from './event-log';
import type { Runs } from './runs';
import type { WorkflowQueue } from './workflow-queue';

/**
 * Performs a decision's actions. Each is idempotent by its key, because a decision
 * may be applied again after a crash: an attempt enqueued twice is claimed once
 * (step-runtime's claim insert), a child is created by a unique insert, events are
 * keyed by the action key.
 */
export class ActionPerformer {
  constructor(
    private readonly redis: Redis,
    private readonly events: EventLog,
    private readonly runs: Runs,
    private readonly stepRuntime: StepRuntimeClient,
    private readonly log: Logger,
    private readonly queue?: WorkflowQueue,
  ) {}

  async performAll(head: RunHead, actions: Action[]): Promise<void> {
    // Enqueue dispatches in one round trip; the rest one by one (they are rare).
    const dispatches = actions.filter((a) => a.type === 'dispatchAttempt');
    if (dispatches.length > 0) {
      const m = this.redis.multi();
      for (const a of dispatches) m.xadd(KEYS.work(a.pool), '*', 'a', JSON.stringify(a));
      await m.exec();
    }
    for (const a of actions) {
      if (a.type !== 'dispatchAttempt') await this.perform(head, a);
    }
  }

  private async perform(head: RunHead, a: Action): Promise<void> {
    switch (a.type) {
      case 'cancelAttempt':
        // Best effort: a lost cancel lets the attempt run on; its report is then stale and ignored.
        await this.stepRuntime
          .cancelAttempt({ attemptKey: a.attemptKey, reason: a.reason }, { timeoutMs: 5000 })
          .catch((err) => this.log.warn({ attemptKey: a.attemptKey, err: String(err) }, 'cancel failed'));
        return;
      case 'startChild':
        return this.startChild(head, a);
      case 'stopChild':
        await this.events.append(a.childKey, { type: a.kill ? 'kill' : 'stop', id: a.key, reason: a.reason });
        return;
      case 'notifyParent':
        await this.childFinished(a, a.status, {
          outputs: a.outputs,
          message: a.message,
          // while loops read their loop variables from what the iteration reports back.
          ...(a.params ? { params: a.params } : {}),
        });
        return;
      case 'instanceEnded':
        this.log.info({ key: a.instanceKey, status: a.status }, 'run ended');
        // A top-level run freed its slot: the run strategy may start the next instance.
        if (head.run.kind === 'workflow') this.queue?.admitSoon(head.workflow_id);
        return;
      default:
        return;
    }
  }

  private async startChild(parent: RunHead, a: StartChildAction): Promise<void> {
    const reused = await this.runs.reusableChild(a.previous);
    if (reused) {
      // Restart from incomplete: this iteration already succeeded in an earlier run.
      await this.childFinished(a, 'SUCCEEDED', { outputs: reused.outputs, reusedFrom: reused.key });
      return;
    }
    try {
      await this.runs.createChild(parent, a);
      await this.events.append(a.parentKey, {
        type: 'childStarted',
        id: `${a.childKey}:started`,
        stepId: a.stepId,
        iteration: a.iteration,
        childKey: a.childKey,
      });
    } catch (err) {
      // A child that cannot exist (unknown subworkflow...) fails its step with the reason.
      await this.childFinished(a, 'FAILED', { message: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * Tells a parent that one of its children ended. The event id is `<childKey>:finished`
   * (also NotifyParentAction's key), so the child's own report and a reuse or a failed
   * creation can never both count.
   */
  private async childFinished(
    a: { parentKey: string; childKey: string; stepId: string; iteration: number },
    status: InstanceStatus,
    rest: Pick<ChildFinishedEvent, 'outputs' | 'message' | 'params' | 'reusedFrom'>,
  ): Promise<void> {
    await this.events.append(a.parentKey, {
      type: 'childFinished',
      id: `${a.childKey}:finished`,
      stepId: a.stepId,
      iteration: a.iteration,
      childKey: a.childKey,
      status,
      ...rest,
    });
  }
}

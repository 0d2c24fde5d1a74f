import type { Logger } from 'pino';
import type { StepRuntimeClient } from '@baton/sdk';
import type { SignalBroker } from './signal-broker';
import type { Action, ChildFinishedEvent, DispatchAttemptAction } from '../domain';
import { type RedisClient, SHARED_KEYS, SlotBatch, currentTrace, inSpan } from '@baton/kit';
import type { PermitGate, StartedMessage } from '../redis/permit-gate';
import type { Breakpoints } from './breakpoints';
import { attemptPermits } from './run-permits';
import type { RunHead } from '../store/documents';
import { type ChildLauncher, childFinishedEvent } from './child-launcher';
import type { ChildReport, EventLog } from './event-log';
import type { WorkflowQueue } from './workflow-queue';
import { encodeWorkMessage } from '../redis/work-message';
import { notePool } from '../redis/queue-stats';

/** An attempt whose permits a decision gives back (see releasedAttempts). */
export interface Released {
  attemptKey: string;
  userTags: string[];
}

/** The actions `perform` does work for (the others are done in batches, or are no work there). */
const SPANNED: ReadonlySet<Action['type']> = new Set([
  'cancelAttempt',
  'waitSignals',
  'cancelWait',
  'publishSignals',
  'stepPaused',
  'stopChild',
]);

/** Children created per batch insert (see performMany). */
const LAUNCH_BATCH = 200;

/**
 * Performs a decision's actions. Each is idempotent by its key, because a decision
 * may be applied again after a crash: an attempt enqueued twice is claimed once
 * (step-runtime's claim insert), a child is created by a unique insert, events are
 * keyed by the action key.
 */
export class ActionPerformer {
  constructor(
    private readonly redis: RedisClient,
    private readonly events: EventLog,
    private readonly children: ChildLauncher,
    private readonly stepRuntime: StepRuntimeClient,
    private readonly log: Logger,
    private readonly queue?: WorkflowQueue,
    private readonly signals?: SignalBroker,
    private readonly gate?: PermitGate,
    private readonly breakpoints?: Breakpoints,
  ) {}

  /**
   * Performs one decision's actions. Returns the reports of children that ended as they were
   * created, for the run itself to consume in its next decision (see Engine.apply); every other
   * report goes to its parent's inbox.
   */
  performAll(head: RunHead, actions: Action[], released: Released[] = []): Promise<ChildFinishedEvent[]> {
    return this.performMany([{ head, actions, released }], head._id);
  }

  /** Delivers reports to their parents' inboxes. */
  deliver(items: ChildReport[]): Promise<void> {
    return this.events.appendChildEvents(items);
  }

  /**
   * Performs the actions of one or many runs' decisions (many: children started together).
   * What a foreach does by the thousand goes in batches: dispatches in one Redis round trip,
   * notifications to parents in one insert, children per parent in one launch. Reports meant
   * for `carryFor` are returned instead of delivered.
   */
  async performMany(
    items: { head: RunHead; actions: Action[]; released?: Released[] }[],
    carryFor?: string,
  ): Promise<ChildFinishedEvent[]> {
    await this.dispatchAll(items);
    const reports: ChildReport[] = [];
    for (const { head, actions } of items) {
      const starts = actions.filter((a) => a.type === 'startChild');
      // In batches: a foreach at concurrency 1,000 starts 1,000 children in one decision, and the
      // scheduler's memory peaks with the batch (its documents wait on the store together).
      for (let i = 0; i < starts.length; i += LAUNCH_BATCH) {
        const batch = starts.slice(i, i + LAUNCH_BATCH);
        // The children's own reports to this parent come back here (their parent is `head`).
        const launched = await inSpan(
          'action',
          { 'baton.action': 'startChild', 'baton.count': batch.length },
          () => this.children.launch(head, batch, (more) => this.performMany(more, head._id)),
        );
        reports.push(...launched);
      }
    }
    for (const { actions } of items) {
      for (const a of actions) {
        if (a.type !== 'notifyParent') continue;
        reports.push(
          childFinishedEvent(a, a.status, {
            outputs: a.outputs,
            message: a.message,
            // while loops read their loop variables from what the iteration reports back.
            ...(a.params ? { params: a.params } : {}),
            ...(a.leafCounts ? { leafCounts: a.leafCounts } : {}),
          }),
        );
      }
    }
    const carried = reports.filter((r) => r.key === carryFor).map((r) => r.event);
    await this.deliver(reports.filter((r) => r.key !== carryFor));
    for (const { head, actions } of items) {
      for (const a of actions) {
        if (!SPANNED.has(a.type)) await this.perform(head, a);
        else await inSpan('action', { 'baton.action': a.type }, () => this.perform(head, a));
      }
    }
    return carried;
  }

  /**
   * Gives back the permits of attempts that ended, then sends the new attempts through the permit
   * gate (or straight to their work stream when they carry no tag), all in one round trip; the
   * release goes first, so a permit it frees can go to a dispatch here. On a Redis Cluster the gate
   * and each pool's stream are different slots: one MULTI each, sent together, then the messages
   * the gate started go to their streams (PermitGate.send says what repairs a crash between). An attempt the gate holds
   * back costs nothing more here: reads show it WAITING_FOR_PERMITS from the gate (permit-view),
   * the sweeper records a wait that lasts, and the gate starts it.
   */
  private async dispatchAll(
    items: { head: RunHead; actions: Action[]; released?: Released[] }[],
  ): Promise<void> {
    const gate = this.gate;
    const releases = gate
      ? items.flatMap(({ head, released }) =>
          (released ?? []).map((r) => ({
            attemptKey: r.attemptKey,
            tags: attemptPermits(head, r.userTags).map(([tag]) => tag),
          })),
        )
      : [];
    const dispatches = items.flatMap(({ head, actions }) =>
      actions
        .filter((a): a is DispatchAttemptAction => a.type === 'dispatchAttempt')
        .map((a) => ({ head, a })),
    );
    if (dispatches.length === 0 && releases.every((r) => r.tags.length === 0)) return;
    await inSpan('action', { 'baton.action': 'dispatchAttempt', 'baton.count': dispatches.length }, () =>
      this.sendDispatches(dispatches, releases),
    );
  }

  private async sendDispatches(
    dispatches: { head: RunHead; a: DispatchAttemptAction }[],
    releases: { attemptKey: string; tags: string[] }[],
  ): Promise<void> {
    const gate = this.gate;
    // The attempts join the decision's trace (this span's): step-runtime continues it.
    const trace = currentTrace();
    const now = Date.now();
    const b = new SlotBatch(this.redis);
    const started: StartedMessage[] = [];
    if (gate)
      gate.queueRelease(
        b,
        releases.filter((r) => r.tags.length > 0),
        now,
        started,
      );
    for (const { head, a } of dispatches) {
      const tags = gate ? attemptPermits(head, a.tags) : [];
      const body = encodeWorkMessage(a, trace);
      const stream = SHARED_KEYS.work(a.pool);
      notePool(a.pool);
      if (tags.length === 0) b.add(stream, (m) => m.xadd(stream, '*', SHARED_KEYS.workField, body));
      else gate!.queueAcquire(b, a.attemptKey, stream, body, tags, now, started);
    }
    try {
      await b.exec();
    } finally {
      // Messages the gate started in a MULTI that committed are sent even when another part of the
      // batch failed: otherwise they would wait for the sweeper's unclaimed timeout.
      if (gate) await gate.send(started);
    }
  }

  private requireSignals(): SignalBroker {
    if (!this.signals) throw new Error('no signal service configured');
    return this.signals;
  }

  /** The actions that come one or two per decision. */
  private async perform(head: RunHead, a: Action): Promise<void> {
    switch (a.type) {
      case 'cancelAttempt':
        // Best effort: a lost cancel lets the attempt run on; its report is then stale and ignored.
        await this.stepRuntime
          .cancelAttempt({ attemptKey: a.attemptKey, reason: a.reason }, { timeoutMs: 5000 })
          .catch((err) => this.log.warn({ attemptKey: a.attemptKey, err: String(err) }, 'cancel failed'));
        return;
      case 'waitSignals':
        // Must reach the signal service: a failure leaves the decision unapplied, and it is redone.
        await this.requireSignals().wait(a);
        return;
      case 'cancelWait':
        // Best effort: a wait left behind only reports a match decide ignores.
        await this.requireSignals()
          .cancel(a.waitKey)
          .catch((err) => this.log.warn({ waitKey: a.waitKey, err: String(err) }, 'cancel wait failed'));
        return;
      case 'publishSignals': {
        const refs = await this.requireSignals().publish(a);
        await this.events.append(a.instanceKey, {
          type: 'signalsPublished',
          id: a.key,
          stepId: a.stepId,
          attemptKey: a.attemptKey,
          signals: refs,
        });
        return;
      }
      case 'stepPaused':
        // Must be stored: deleting the breakpoint finds the run by it (decide resumes it anyway
        // on its next decision, but nothing else would make one happen).
        await this.breakpoints?.paused(a.instanceKey, a.stepId, a.attempt, a.breakpointId);
        return;
      case 'stopChild':
        await this.events.append(a.childKey, { type: a.kill ? 'kill' : 'stop', id: a.key, reason: a.reason });
        return;
      case 'instanceEnded':
        if (head.run.kind === 'workflow') {
          this.log.info({ key: a.instanceKey, status: a.status }, 'run ended');
          // A top-level run freed its slot: the run strategy may start the next instance.
          this.queue?.admitSoon(head.workflow_id);
        }
        return;
      default:
        return;
    }
  }
}

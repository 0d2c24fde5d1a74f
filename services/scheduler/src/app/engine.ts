import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type DecideContext,
  type EngineConfig,
  type InstanceEvent,
  type InstanceSnapshot,
  decide,
} from '../domain';
import type { Coordination } from '../redis/coordination';
import { type DecisionDoc, type RunHead, TIMELINE_CAP, decisionId } from '../store/documents';
import type { InstanceStore } from '../store/instance-store';
import type { ActionPerformer } from './action-performer';
import type { Definitions } from './definitions';
import type { ForeachValues } from './foreach-values';
import { contextOf } from './run-context';

export interface EngineOptions {
  /** How long an instance lock lives without renewal (ms). A crashed holder delays others this long. */
  lockTtlMs: number;
  /** Most events one decision consumes (the rest go to the next). */
  maxEventsPerDecision: number;
}

export const ENGINE_OPTIONS: EngineOptions = { lockTtlMs: 10_000, maxEventsPerDecision: 500 };

/**
 * The shell around decide (DESIGN §5): take the instance's lock, load its head and
 * newest decision, re-apply a decision that was inserted but not applied (the
 * decision log is a redo log), gather pending events, decide, insert the decision
 * (the fence: a duplicate means another replica decided first — reload and go
 * again), then apply it: consume the events, perform the actions, write the head.
 */
export class Engine {
  private readonly token = randomUUID();

  constructor(
    private readonly store: InstanceStore,
    private readonly coord: Coordination,
    private readonly defs: Definitions,
    private readonly actions: ActionPerformer,
    private readonly config: EngineConfig,
    private readonly log: Logger,
    private readonly opts: EngineOptions = ENGINE_OPTIONS,
    private readonly now: () => number = Date.now,
    private readonly foreach?: ForeachValues,
  ) {}

  /** Decides everything pending for one instance. Returns false when another replica holds it. */
  async process(key: string): Promise<boolean> {
    if (!(await this.coord.tryLock(key, this.token, this.opts.lockTtlMs))) return false;
    try {
      for (let round = 0; round < 50; round++) {
        if (!(await this.step(key))) break;
      }
    } finally {
      await this.coord.unlock(key, this.token).catch(() => {});
    }
    return true;
  }

  /** One decision (or one redo). True when something changed and another round may find more. */
  private async step(key: string): Promise<boolean> {
    const head = await this.store.getHead(key);
    if (!head) return false;
    const latest = await this.store.latestDecision(key, head.seq);
    if (!latest) return false;
    if (latest.seq > head.seq) {
      // Inserted but not applied (a crash between fence and apply): redo it first.
      await this.apply(head, latest, JSON.parse(latest.snapshot) as InstanceSnapshot);
      return true;
    }
    const snapshot = JSON.parse(latest.snapshot) as InstanceSnapshot;
    const events = await this.pendingEvents(key);
    const now = this.now();
    const due = snapshot.nextWakeAt !== undefined && snapshot.nextWakeAt <= now;
    if (events.length === 0 && !due) return false;
    // Events for an ended run change nothing, but are consumed too, so they are not retried forever.
    const ctx = await this.context(head);
    const foreachValues = await this.foreach?.hook(ctx, snapshot);
    const result = decide(snapshot, events, now, foreachValues ? { ...ctx, foreachValues } : ctx);
    return this.commit(head, events, result.snapshot, result.actions, result.timeline, now);
  }

  private async commit(
    head: RunHead,
    events: InstanceEvent[],
    snapshot: InstanceSnapshot,
    actions: DecisionDoc['actions'],
    timeline: DecisionDoc['timeline'],
    now: number,
  ): Promise<boolean> {
    const doc: DecisionDoc = {
      _id: decisionId(head._id, snapshot.seq),
      key: head._id,
      seq: snapshot.seq,
      snapshot: JSON.stringify(snapshot),
      consumed: events.map((e) => e.id),
      actions,
      timeline,
      created_at: now,
    };
    if (!(await this.store.insertDecision(doc))) {
      this.log.debug({ key: head._id, seq: snapshot.seq }, 'decision fence lost; reloading');
      return true;
    }
    await this.apply(head, doc, snapshot);
    return true;
  }

  private async context(head: RunHead): Promise<DecideContext> {
    return contextOf(head, this.defs, this.config);
  }

  private async pendingEvents(key: string): Promise<InstanceEvent[]> {
    const ids = await this.coord.pendingIds(key);
    if (ids.length === 0) return [];
    const docs = await Promise.all(ids.map((id) => this.store.getEvent(id)));
    const stale = ids.filter((_id, i) => !docs[i] || docs[i]!.consumed_seq !== undefined);
    if (stale.length > 0) await this.coord.forget(key, stale);
    return docs
      .filter((d) => d && d.consumed_seq === undefined)
      .sort((a, b) => a!.created_at - b!.created_at || (a!._id < b!._id ? -1 : 1))
      .slice(0, this.opts.maxEventsPerDecision)
      .map((d) => JSON.parse(d!.event) as InstanceEvent);
  }

  /** Applies an inserted decision. Every part is idempotent, so a redo after a crash is safe. */
  private async apply(head: RunHead, doc: DecisionDoc, snapshot: InstanceSnapshot): Promise<void> {
    await this.store.markConsumed(doc.consumed, doc.seq);
    await this.coord.forget(head._id, doc.consumed);
    await this.actions.performAll(head, doc.actions);
    const next: RunHead = {
      ...head,
      seq: doc.seq,
      status: snapshot.status,
      inflight: inflightOf(head.inflight, snapshot, doc.actions, doc.created_at),
      timeline: [...head.timeline, ...doc.timeline].slice(-TIMELINE_CAP),
      updated_at: this.now(),
    };
    if (snapshot.nextWakeAt === undefined) delete next.next_wake_at;
    else next.next_wake_at = snapshot.nextWakeAt;
    if (snapshot.startedAt !== undefined) next.started_at = snapshot.startedAt;
    if (snapshot.endedAt !== undefined) next.ended_at = snapshot.endedAt;
    await this.store.writeHead(next);
    await this.coord.setWake(head._id, snapshot.nextWakeAt);
  }
}

/**
 * Attempts dispatched to step-runtime and not finished: the sweeper checks their
 * leases. Only dispatched attempts count (a Sleep or NoOp never reaches a worker).
 */
export function inflightOf(
  previous: RunHead['inflight'],
  s: InstanceSnapshot,
  actions: DecisionDoc['actions'],
  now: number,
): RunHead['inflight'] {
  const live = (key: string, stepId: string) => {
    const step = s.steps.find((x) => x.id === stepId);
    const a = step?.attempts[step.attempts.length - 1];
    return a !== undefined && a.key === key && a.endedAt === undefined;
  };
  const out = previous.filter((f) => live(f.key, f.step));
  for (const a of actions) {
    if (
      a.type === 'dispatchAttempt' &&
      !out.some((f) => f.key === a.attemptKey) &&
      live(a.attemptKey, a.stepId)
    ) {
      out.push({ key: a.attemptKey, step: a.stepId, attempt: a.attempt, since: now });
    }
  }
  return out;
}

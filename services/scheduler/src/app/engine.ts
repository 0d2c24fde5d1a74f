import { randomUUID } from 'node:crypto';
import { type Span, inSpan, secondsSince, traceContextOf } from '@baton/kit';
import type { ChangeEvent } from '@baton/proto';
import type { Logger } from 'pino';
import {
  type ChildFinishedEvent,
  type DecideContext,
  type EngineConfig,
  type InstanceEvent,
  type InstanceSnapshot,
  isInstanceTerminal,
} from '../domain';
import type { Coordination } from '../redis/coordination';
import { type DecisionDoc, type RunHead, decisionId } from '../store/documents';
import type { InstanceStore } from '../store/instance-store';
import type { ActionPerformer } from './action-performer';
import type { Alerts } from './alerts';
import type { Breakpoints } from './breakpoints';
import { Decider } from './decision-recorder';
import type { Definitions } from './definitions';
import type { ForeachValues } from './foreach-values';
import { changesOf } from './change-events';
import { contextOf } from './run-context';
import { headAfter } from './run-head';
import { releasedAttempts } from './run-permits';
import { schedulerMetrics } from './scheduler-metrics';

export interface EngineOptions {
  /** How long an instance lock lives without renewal (ms). A crashed holder delays others this long. */
  lockTtlMs: number;
  /** Most events one decision consumes (the rest go to the next). */
  maxEventsPerDecision: number;
}

export const ENGINE_OPTIONS: EngineOptions = { lockTtlMs: 10_000, maxEventsPerDecision: 500 };

/**
 * The shell around decide (docs/architecture.md, The decision log): take the instance's lock, load its head and
 * newest decision, re-apply a decision that was inserted but not applied (the
 * decision log is a redo log), gather pending events, decide, insert the decision
 * (the fence: a duplicate means another replica decided first — reload and go
 * again), then apply it: consume the events, perform the actions, write the head.
 */
export class Engine {
  private readonly token = randomUUID();
  /**
   * The runs this replica decided last, as it wrote them: the next decision starts from here
   * instead of reading the head and the newest decision back. Safe with other replicas because
   * the decision insert is the fence: if anyone decided since, our insert of seq+1 collides, and
   * we drop the entry and reload. Only a decision with nothing to consume (a timer) reloads first,
   * since no insert would catch a stale view there.
   */
  private readonly recent = new RecentRuns(10_000);
  private readonly lockWaits = new LockWaits(10_000);

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
    private readonly decider: Decider = new Decider(),
    private readonly breakpoints?: Breakpoints,
    private readonly alerts?: Alerts,
  ) {}

  /** Decides everything pending for one instance. Returns false when another replica holds it. */
  async process(key: string): Promise<boolean> {
    if (!(await this.coord.tryLock(key, this.token, this.opts.lockTtlMs))) {
      this.lockWaits.held(key);
      return false;
    }
    this.lockWaits.taken(key);
    let missing = false;
    try {
      // While we hold the lock, what we just wrote is what a reload would read: keep it.
      let loaded: Loaded | undefined = this.recent.get(key);
      for (let round = 0; round < 50; round++) {
        // Only the first round may start from a view remembered across lock holds.
        const next = await this.step(key, loaded, round > 0);
        if (next === 'missing') missing = true;
        if (next === false || next === 'missing') break;
        loaded = next === true ? undefined : next;
        if (next === true) this.recent.delete(key);
        else if (next.carried.length === 0) this.recent.remember(key, next);
      }
      // Out of rounds with reports still in hand: make them durable, then write the head.
      if (loaded && loaded.carried.length > 0) {
        this.recent.delete(key);
        await this.actions.deliver(loaded.carried.map((event) => ({ key, event })));
        // Its decision's change events went out when it was applied.
        await this.persist(loaded.head, loaded.head.status, []);
      }
    } catch (err) {
      // Whatever was half done, the next hold starts from the store (the redo log sorts it out).
      this.recent.delete(key);
      throw err;
    } finally {
      await this.coord.unlock(key, this.token).catch(() => {});
    }
    // An event that arrived while we held the lock found it taken, and the wake-up its finder set
    // may have been cleared by our own head write: look again if anything is pending.
    // (A run whose head is not inserted yet is nudged by its creator once it is.)
    if (!missing && (await this.coord.hasPending(key))) await this.coord.nudge([key]);
    return true;
  }

  /**
   * One decision (or one redo). False when nothing is left to do, 'missing' when the run has no
   * head (yet); otherwise the run as it now stands, or true when it must be reloaded (a lost fence).
   */
  private async step(key: string, cached?: Loaded, heldSince = true): Promise<Loaded | boolean | 'missing'> {
    let head = cached?.head ?? (await this.store.heads.getHead(key));
    if (!head) {
      this.recent.delete(key);
      return 'missing';
    }
    const latest = cached?.latest ?? (await this.store.decisions.latestDecision(key, head.seq));
    if (!latest) return false;
    if (latest.seq > head.seq) {
      // Inserted but not applied (a crash between fence and apply): redo it first. Decisions
      // before it were applied in full (one is inserted only once the previous one's actions
      // were performed), but their head changes may not have been written: fold them in.
      for (let seq = head.seq + 1; seq < latest.seq; seq++) {
        const d = await this.store.decisions.getDecision(key, seq);
        if (d) head = headAfter(head, d, JSON.parse(d.snapshot) as InstanceSnapshot, this.now());
      }
      return this.apply(head, latest, JSON.parse(latest.snapshot) as InstanceSnapshot);
    }
    const snapshot = JSON.parse(latest.snapshot) as InstanceSnapshot;
    const carried = cached?.carried ?? [];
    const pending = await this.pendingEvents(key);
    const now = this.now();
    const due = snapshot.nextWakeAt !== undefined && snapshot.nextWakeAt <= now;
    // Logged events first: a subworkflow's childStarted (logged) precedes its carried childFinished.
    const events = [...pending.events, ...carried];
    if (events.length === 0 && !due) {
      // A wake-up with nothing to consume: a view remembered from our last decision may be behind
      // another replica's, whose timer this is. Look at the stored run before calling it idle.
      if (cached && !heldSince) {
        this.recent.delete(key);
        return this.step(key);
      }
      return false;
    }
    // One run is one trace: every decision continues the trace the run was started in.
    return inSpan(
      'decision',
      {
        'baton.workflow_id': head.workflow_id,
        'baton.instance_id': head.instance_id,
        'baton.run_id': head.run_id,
        'baton.instance_key': key,
        'baton.events': events.length,
      },
      (span) => this.decide(key, head, snapshot, events, pending, carried, now, span),
      traceContextOf(head.trace),
    );
  }

  /** Decides, inserts the decision (the fence) and applies it. */
  private async decide(
    key: string,
    head: RunHead,
    snapshot: InstanceSnapshot,
    events: InstanceEvent[],
    pending: Pending,
    carried: ChildFinishedEvent[],
    now: number,
    span: Span,
  ): Promise<Loaded | boolean> {
    const started = performance.now();
    // Events for an ended run change nothing, but are consumed too, so they are not retried forever.
    const ctx = await this.context(head);
    const foreachValues = await this.foreach?.hook(ctx, snapshot);
    const result = this.decider.decide(
      head,
      snapshot,
      events,
      now,
      foreachValues ? { ...ctx, foreachValues } : ctx,
    );
    const doc: DecisionDoc = {
      _id: decisionId(key, result.snapshot.seq),
      key,
      seq: result.snapshot.seq,
      snapshot: JSON.stringify(result.snapshot),
      consumed: pending.logged,
      actions: result.actions,
      timeline: result.timeline,
      created_at: now,
    };
    span.setAttributes({
      'baton.seq': doc.seq,
      'baton.steps': result.snapshot.steps.length,
      'baton.status': result.snapshot.status,
    });
    if (pending.inbox.length > 0) doc.inbox = pending.inbox;
    if (carried.length > 0) doc.carried = carried.length;
    if (!(await this.store.decisions.insertDecision(doc))) {
      // Another replica decided (our lock lapsed). Reports we carried are not lost: it redid the
      // decision that produced them, which produced them again, and it consumed them.
      this.log.debug({ key, seq: doc.seq }, 'decision fence lost; reloading');
      return true;
    }
    // The previous decision's head waited for this one (it consumed the carried reports): write
    // it now, so readers see progress without folding a chain of decisions.
    if (carried.length > 0) await this.store.heads.writeHead(head);
    const applied = await this.apply(head, doc, result.snapshot);
    schedulerMetrics().decision.record(secondsSince(started));
    return applied;
  }

  private async context(head: RunHead): Promise<DecideContext> {
    return contextOf(head, this.defs, this.config, this.breakpoints);
  }

  /**
   * Pending events from both logs: instance_events (marked consumed) and the child_events inbox
   * (deleted once consumed). Oldest first; at equal times instance_events go first, so a
   * subworkflow's childStarted precedes its childFinished.
   */
  private async pendingEvents(key: string): Promise<Pending> {
    const ids = await this.coord.pendingIds(key);
    await this.breakpoints?.sync(ids.breakpoints);
    if (ids.events.length === 0 && ids.inbox.length === 0) return { events: [], logged: [], inbox: [] };
    const [docs, inboxDocs] = await Promise.all([
      Promise.all(ids.events.map((id) => this.store.events.getEvent(id))),
      this.store.events.childEventsByIds(ids.inbox),
    ]);
    const stale = ids.events.filter((_id, i) => !docs[i] || docs[i]!.consumed_seq !== undefined);
    const found = new Set(inboxDocs.map((d) => d._id));
    const staleInbox = ids.inbox.filter((id) => !found.has(id));
    if (stale.length + staleInbox.length > 0) await this.coord.forget(key, stale, staleInbox);
    const all = [
      ...docs.filter((d) => d && d.consumed_seq === undefined).map((d) => ({ doc: d!, inbox: 0 })),
      ...inboxDocs.map((doc) => ({ doc, inbox: 1 })),
    ]
      .sort(
        (a, b) =>
          a.doc.created_at - b.doc.created_at || a.inbox - b.inbox || (a.doc._id < b.doc._id ? -1 : 1),
      )
      .slice(0, this.opts.maxEventsPerDecision);
    return {
      events: all.map((x) => JSON.parse(x.doc.event) as InstanceEvent),
      logged: all.filter((x) => x.inbox === 0).map((x) => x.doc._id),
      inbox: all.filter((x) => x.inbox === 1).map((x) => x.doc._id),
    };
  }

  /**
   * Applies an inserted decision. Every part is idempotent, so a redo after a crash is safe.
   * Children that ended as they were created report back in memory (`carried`): the next
   * decision consumes them, and is inserted before this decision's head is written — so a crash
   * in between leaves this decision unapplied, and its redo creates the same reports again.
   */
  private async apply(head: RunHead, doc: DecisionDoc, snapshot: InstanceSnapshot): Promise<Loaded> {
    const inbox = doc.inbox ?? [];
    await Promise.all([
      this.store.events.markConsumed(doc.consumed, doc.seq),
      this.store.events.deleteChildEvents(inbox),
    ]);
    await this.coord.forget(head._id, doc.consumed, inbox);
    const next = headAfter(head, doc, snapshot, this.now());
    // Permits of attempts this decision ended go back with its dispatches (one round trip).
    const released = releasedAttempts(head.inflight, doc.actions, next.inflight);
    const carried = await this.actions.performAll(head, doc.actions, released);
    // Steps it failed raise their alerts (redone after a crash: raised once, by id).
    await this.alerts?.fromDecision(head, doc);
    // The decision's change events go out before anything decides after it (in order per run);
    // redone after a crash, it publishes them again with the same ids.
    const changes = changesOf(head._id, doc);
    if (carried.length === 0) await this.persist(next, head.status, changes);
    else await this.coord.publishChanges(changes);
    return { head: next, latest: doc, carried };
  }

  /** Writes a run's head (and what hangs on it: its wake-up, its live entry, its change events). */
  private async persist(
    next: RunHead,
    previousStatus: RunHead['status'],
    changes: readonly ChangeEvent[],
  ): Promise<void> {
    await this.store.heads.writeHead(next);
    await this.coord.headWritten(next._id, next.next_wake_at, changes);
    if (isInstanceTerminal(next.status) && !isInstanceTerminal(previousStatus)) {
      // Off the decision's path: an entry left behind is dropped by the sweeper.
      this.store.heads.deleteLive(next._id).catch(() => {});
      if (!next.parent_key) schedulerMetrics().runsEnded.add(1, { status: next.status });
    }
  }
}

/**
 * When this replica first found each run's lock held (bounded: the oldest are forgotten), so
 * taking it later records how long the run's work waited; a lock taken at once records 0.
 */
const STALE_WAIT_S = 60;

class LockWaits {
  private readonly since = new Map<string, number>();
  constructor(private readonly max: number) {}
  held(key: string): void {
    if (this.since.has(key)) return;
    if (this.since.size >= this.max) this.since.delete(this.since.keys().next().value!);
    this.since.set(key, performance.now());
  }
  taken(key: string): void {
    const since = this.since.get(key);
    if (since !== undefined) this.since.delete(key);
    // Another replica usually takes the run when its holder lets go; a mark from long ago is not
    // a wait of this take, so it counts as none (a lock lives 10 s unless renewed).
    const waited = since === undefined ? 0 : secondsSince(since);
    schedulerMetrics().lockWait.record(waited > STALE_WAIT_S ? 0 : waited, { lock: 'instance' });
  }
}

/** A bounded map of runs' last applied state, oldest forgotten first; ended runs are not kept. */
class RecentRuns {
  private readonly runs = new Map<string, Loaded>();
  constructor(private readonly max: number) {}
  get(key: string): Loaded | undefined {
    return this.runs.get(key);
  }
  remember(key: string, loaded: Loaded): void {
    this.runs.delete(key);
    if (isInstanceTerminal(loaded.head.status)) return;
    if (this.runs.size >= this.max) {
      const oldest = this.runs.keys().next().value;
      if (oldest !== undefined) this.runs.delete(oldest);
    }
    this.runs.set(key, loaded);
  }
  delete(key: string): void {
    this.runs.delete(key);
  }
}

/** What the engine has of a run while it holds the lock. */
interface Loaded {
  /** The head as applied (ahead of the stored one while `carried` is not empty). */
  head: RunHead;
  latest: DecisionDoc;
  /** Reports of children that ended as they were created, for the next decision. */
  carried: ChildFinishedEvent[];
}

/** The events one decision consumes, and their ids by log: instance_events, child_events. */
interface Pending {
  events: InstanceEvent[];
  logged: string[];
  inbox: string[];
}

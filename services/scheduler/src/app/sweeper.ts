import type { Logger } from 'pino';
import type { internal } from '@baton/proto';
import type { Coordination } from '../redis/coordination';
import type { InstanceStore } from '../store/instance-store';
import type { EventLog } from './event-log';
import type { WorkflowQueue } from './workflow-queue';
import type { PermitGate } from '../redis/permit-gate';
import type { Alerts } from './alerts';

export interface SweeperOptions {
  /** How often a sweep runs (one replica at a time). */
  everyMs: number;
  /** An attempt no worker claimed within this time is replaced (its queue message was lost). */
  unclaimedMs: number;
  /** Slack past a lease's expiry before the attempt is declared lost. */
  leaseGraceMs: number;
}

/** A permit wait older than this is recorded in the run (see the sweep). */
const WAIT_RECORDED_AFTER_MS = 1000;
/** Live runs one sweep reads. */
const LIVE_LIMIT = 10_000;
/** How often permits are reconciled with the runs in flight, and how old a grant must be first. */
const RECONCILE_EVERY_MS = 30_000;
const RECONCILE_GRACE_MS = 120_000;

export const SWEEPER_DEFAULTS: SweeperOptions = { everyMs: 3000, unclaimedMs: 30_000, leaseGraceMs: 3000 };

type CheckAttempts = (keys: string[]) => Promise<Record<string, internal.AttemptLiveness>>;

/**
 * Rebuilds everything Redis holds from MongoDB (docs/architecture.md, Stores and The decision log): pending events go
 * back to the ready queue, wake-ups to the timer set, and attempts whose worker
 * stopped renewing its lease (or that no worker claimed) become
 * `attemptLeaseExpired` events — decide then starts a new attempt with a new key.
 * With Redis empty, every instance still finishes.
 */
export class Sweeper {
  private lastReconcile = 0;
  /** Attempts whose permit wait this replica recorded (an event each; the insert dedups too). */
  private readonly recordedWaits = new Set<string>();

  constructor(
    private readonly store: InstanceStore,
    private readonly coord: Coordination,
    private readonly events: EventLog,
    private readonly checkAttempts: CheckAttempts,
    private readonly log: Logger,
    private readonly opts: SweeperOptions = SWEEPER_DEFAULTS,
    private readonly queue?: WorkflowQueue,
    private readonly gate?: PermitGate,
    /** Puts the stored tag permits back into Redis when they differ (Redis was flushed). */
    private readonly syncPermits?: () => Promise<void>,
    private readonly alerts?: Alerts,
  ) {}

  async sweep(
    now = Date.now(),
  ): Promise<{ events: number; wakes: number; expired: number; unapplied: number }> {
    let eventsRequeued = 0;
    for (const e of await this.store.events.pendingEvents(10_000)) {
      await this.coord.markReady(e.key, e._id);
      eventsRequeued++;
    }
    const inbox = await this.store.events.allChildEvents(100_000);
    await this.coord.markInboxReady(inbox.map((e) => ({ key: e.key, eventId: e._id })));
    eventsRequeued += inbox.length;
    const queued = new Set<string>();
    const inflight: { key: string; step: string; attempt: number; since: number; run: string }[] = [];
    const heads = await this.store.heads.liveHeads(LIVE_LIMIT);
    // A decision inserted and not applied (its replica died mid-apply): no event may be left to
    // wake the run — children that ended as they were created report in memory — so redo it.
    const unapplied = await this.store.decisions.unapplied(heads);
    const timed = heads.flatMap((h) =>
      h.next_wake_at === undefined ? [] : [{ key: h._id, at: h.next_wake_at }],
    );
    await this.coord.setWakes(timed);
    const wakes = timed.filter((w) => w.at <= now).length;
    for (const h of heads) {
      for (const f of h.inflight ?? []) inflight.push({ ...f, run: h._id });
      if (h.status === 'CREATED' && h.run?.kind === 'workflow') queued.add(h.workflow_id);
    }
    if (wakes > 0) await this.coord.releaseDueTimers(now);
    await this.coord.nudge(unapplied);
    // Queued instances whose admission was missed (a crash, a lost lock): admit again.
    for (const wf of queued) await this.queue?.admit(wf);
    // Where the permit gate has each attempt old enough to matter, read once for both uses below:
    // one it holds back is not lost for want of a claim, and a wait that lasts is recorded.
    const judged = inflight.filter(
      (f) => now - f.since >= Math.min(WAIT_RECORDED_AFTER_MS, this.opts.unclaimedMs),
    );
    const gated = this.gate ? await this.gate.states(judged.map((f) => f.key)) : {};
    let expired = 0;
    const old = inflight.filter((f) => now - f.since > Math.min(this.opts.unclaimedMs, 5000));
    for (let i = 0; i < old.length; i += 1000) {
      const batch = old.slice(i, i + 1000);
      let live: Record<string, internal.AttemptLiveness>;
      try {
        live = await this.checkAttempts(batch.map((f) => f.key));
      } catch (err) {
        // step-runtime unreachable: declare nothing lost (a lease cannot be judged without it).
        this.log.warn({ err: String(err) }, 'sweeper: CheckAttempts failed');
        break;
      }
      for (const f of batch) {
        const l = live[f.key];
        const leaseUntil = l?.leaseUntil ? +l.leaseUntil : 0;
        // An attempt the permit gate holds back is not claimed by design: it is not lost while it
        // waits, nor for unclaimedMs after the gate started it.
        const g = gated[f.key];
        const lost = !l?.claimed
          ? now - f.since > this.opts.unclaimedMs &&
            !g?.waiting &&
            !(g && !g.waiting && g.grantedAt !== undefined && now - g.grantedAt <= this.opts.unclaimedMs)
          : !l.finished && leaseUntil + this.opts.leaseGraceMs < now;
        if (!lost) continue;
        expired++;
        await this.events.append(f.run, {
          type: 'attemptLeaseExpired',
          id: `${f.key}:lease-expired`,
          stepId: f.step,
          attempt: f.attempt,
          attemptKey: f.key,
        });
      }
    }
    // Attempts the permit gate has held back for a while get their wait recorded (timeline, change
    // event, WAITING_FOR_PERMITS in the snapshot); readers see shorter waits from the gate itself.
    if (this.gate) {
      const waits = judged.flatMap((f) => {
        const st = gated[f.key];
        if (!st?.waiting || now - f.since < WAIT_RECORDED_AFTER_MS || this.recordedWaits.has(f.key))
          return [];
        this.recordedWaits.add(f.key);
        const event = {
          type: 'permitsWaiting' as const,
          id: `${f.key}:permits`,
          stepId: f.step,
          attempt: f.attempt,
          attemptKey: f.key,
          tag: st.tag,
        };
        return [{ key: f.run, event }];
      });
      if (this.recordedWaits.size > 100_000) this.recordedWaits.clear();
      await this.events.appendMany(waits);
    }
    // Permits held by attempts no live run has in flight go back (a take a redo made after its
    // attempt ended). Only with every live run in view, and only grants older than the grace.
    if (this.gate && heads.length < LIVE_LIMIT && now - this.lastReconcile >= RECONCILE_EVERY_MS) {
      this.lastReconcile = now;
      const inflightKeys = new Set(inflight.map((f) => f.key));
      const freed = await this.gate.reconcile(inflightKeys, RECONCILE_GRACE_MS, now).catch((err) => {
        this.log.warn({ err: String(err) }, 'sweeper: permit reconciliation failed');
        return 0;
      });
      if (freed > 0) this.log.warn({ freed }, 'sweeper: gave back permits no run held');
    }
    if (this.alerts) {
      await this.alerts
        .sweep(heads, now)
        .catch((err) => this.log.warn({ err: String(err) }, 'sweeper: raising alerts failed'));
    }
    if (this.syncPermits) {
      await this.syncPermits().catch((err) =>
        this.log.warn({ err: String(err) }, 'sweeper: restoring tag permits failed'),
      );
    }
    if (eventsRequeued + wakes + expired + unapplied.length > 0)
      this.log.debug({ eventsRequeued, wakes, expired, unapplied: unapplied.length }, 'sweep');
    return { events: eventsRequeued, wakes, expired, unapplied: unapplied.length };
  }
}

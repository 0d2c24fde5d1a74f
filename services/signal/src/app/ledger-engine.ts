import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Effect } from '../domain/effects';
import type { Coordination } from '../redis/coordination';
import type { LedgerDoc } from '../store/documents';
import { type LedgerStore, ledgerId } from '../store/ledger-store';
import type { EffectPerformer } from './effect-performer';

/** What one step of a ledger key decides. */
export interface StepResult<S> {
  state: S;
  effects: Effect[];
  /** Worth a decision (state or effects changed). */
  changed: boolean;
  /** Look at the key again then (epoch ms). */
  wakeAt?: number;
  /** More input is waiting (a read was capped): step again at once. */
  again?: boolean;
}

/** One kind of ledger key (signal trigger, wait, time shard, backfill), by its key prefix. */
export interface LedgerKind<S = unknown> {
  /** The state of a key with no decision yet; undefined when the key is unknown (nothing to do). */
  initial(key: string): Promise<S | undefined>;
  /** Reads what is new and decides; undefined when the key is unknown now. */
  step(key: string, state: S, now: number): Promise<StepResult<S> | undefined>;
  /**
   * The next decision may be made while this one's effects are still being performed (its step
   * never reads what the effects write), when it has at most this many effects: a trigger then
   * fires run after run without waiting for each start; a backfill, which reads the runs it
   * started, does not set it. Larger decisions are performed before the key's next one.
   */
  pipelineMaxEffects?: number;
}

export interface LedgerEngineOptions {
  /** How long a key's lock lives (ms). A crashed holder delays others this long. */
  lockTtlMs: number;
  /** Decisions one process() call makes at most before giving the key back to the queue. */
  maxRounds: number;
}

export const LEDGER_ENGINE_DEFAULTS: LedgerEngineOptions = { lockTtlMs: 15_000, maxRounds: 20 };

/** Decisions whose effects this replica performs in the background at once, at most. */
const MAX_IN_FLIGHT = 256;
/**
 * The shell around the pure deciders (the scheduler's engine in small): take the key's lock
 * (liveness), load its newest decision, redo its effects if it was not applied (a crash after the
 * insert), decide from what is new, insert decision n+1 (the fence: a duplicate means another
 * replica decided first — reload and go again), perform its effects, mark it applied.
 */
export class LedgerEngine {
  private readonly token = randomUUID();
  /** Decisions (by _id) whose effects this replica is performing in the background. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Keys this replica is processing now, each with whether news arrived meanwhile. News for a key
   * held here is handed to its holder, which goes round once more before letting go: the two
   * signals of a join arrive milliseconds apart, and the second one failing the lock (then
   * waiting for a timer to look again) cost 50–100 ms.
   */
  private readonly active = new Map<string, { news: boolean }>();

  constructor(
    private readonly ledger: LedgerStore,
    private readonly coord: Coordination,
    private readonly performer: EffectPerformer,
    private readonly kinds: Record<string, LedgerKind<unknown>>,
    private readonly log: Logger,
    private readonly opts: LedgerEngineOptions = LEDGER_ENGINE_DEFAULTS,
  ) {}

  /** Processes one key. False when another replica holds it. */
  async process(key: string): Promise<boolean> {
    const kind = this.kinds[key.slice(0, key.indexOf(':'))];
    if (!kind) {
      this.log.warn({ key }, 'unknown ledger key');
      return true;
    }
    const held = this.active.get(key);
    if (held) {
      held.news = true;
      return true;
    }
    const mine = { news: false };
    this.active.set(key, mine);
    try {
      if (!(await this.coord.tryLock(key, this.token, this.opts.lockTtlMs))) return false;
      try {
        for (let round = 0; round < this.opts.maxRounds; round++) {
          mine.news = false;
          const more = await this.round(key, kind);
          if (!more && !mine.news) return true;
        }
        // Out of rounds with work left: back of the queue, so other keys get their turn.
        await this.coord.nudge([key]);
        return true;
      } finally {
        await this.coord.unlock(key, this.token).catch(() => {});
      }
    } finally {
      this.active.delete(key);
      // News that came after the last round (or while the lock was refused) is not dropped.
      if (mine.news) await this.coord.nudge([key]).catch(() => {});
    }
  }

  /** One decision; true when the key should be stepped again at once. */
  private async round(key: string, kind: LedgerKind<unknown>): Promise<boolean> {
    const latest = await this.ledger.latest(key);
    if (latest && !latest.applied && !this.inFlight.has(latest._id)) await this.redo(key, latest);
    const state = latest ? (JSON.parse(latest.state) as unknown) : await kind.initial(key);
    if (state === undefined) return false;
    const now = Date.now();
    const r = await kind.step(key, state, now);
    if (!r) return false;
    if (r.wakeAt !== undefined) await this.coord.setWakes([{ key, at: r.wakeAt }]);
    if (!r.changed && latest) return r.again === true;
    const n = (latest?.n ?? 0) + 1;
    const doc: LedgerDoc = {
      _id: ledgerId(key, n),
      key,
      n,
      state: JSON.stringify(r.state),
      effects: JSON.stringify(r.effects),
      created_at: now,
    };
    if (r.effects.length === 0) doc.applied = true;
    if (!(await this.ledger.insert(doc))) {
      this.log.debug({ key, n }, 'ledger fence lost; reloading');
      return true;
    }
    if (r.effects.length > 0) {
      if (r.effects.length <= (kind.pipelineMaxEffects ?? 0)) await this.performLater(doc, r.effects);
      else await this.perform(doc, r.effects);
    }
    return r.again === true;
  }

  private async perform(doc: LedgerDoc, effects: Effect[]): Promise<void> {
    await this.performer.performAll(effects);
    await this.ledger.markApplied(doc.key, doc.n);
  }

  /**
   * Performs a decision's effects in the background. Decision n+1 may then be inserted before n
   * is applied, so a crash can leave several unapplied: whoever loads the key next redoes every
   * one of them, oldest first (see redo). A failure leaves the decision unapplied and looks again
   * in a second.
   */
  private async performLater(doc: LedgerDoc, effects: Effect[]): Promise<void> {
    if (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight.values());
    const p = this.perform(doc, effects)
      .catch((err) => {
        this.log.warn({ key: doc.key, n: doc.n, err: String(err) }, 'effects failed; retrying later');
        return this.coord.setWakes([{ key: doc.key, at: Date.now() + 1000 }]).catch(() => {});
      })
      .finally(() => this.inFlight.delete(doc._id));
    this.inFlight.set(doc._id, p);
  }

  /**
   * Redoes the effects of the newest decision and of every unapplied one before it (a crash
   * between an insert and its effects), oldest first, skipping those this replica is performing.
   */
  private async redo(key: string, latest: LedgerDoc): Promise<void> {
    const chain: LedgerDoc[] = [latest];
    for (let n = latest.n - 1; n >= 1 && chain.length < MAX_IN_FLIGHT; n--) {
      const d = await this.ledger.get(key, n);
      if (!d || d.applied) break;
      chain.unshift(d);
    }
    for (const d of chain) {
      if (this.inFlight.has(d._id)) continue;
      await this.perform(d, JSON.parse(d.effects) as Effect[]);
    }
  }

  /** Waits (at most `ms`) for the effects being performed in the background. */
  async settle(ms: number): Promise<void> {
    await Promise.race([
      Promise.allSettled([...this.inFlight.values()]),
      new Promise((r) => setTimeout(r, ms)),
    ]);
  }
}

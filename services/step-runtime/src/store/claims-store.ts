import { isDuplicateKey } from '@baton/kit';
import type { Collection, Db, Filter } from 'mongodb';
import { cancelMarkerId } from '../domain/attempt-key.js';
import { deleteByIds } from './logs-store.js';
import type { AttemptResult, CancelMarkerDoc, ClaimDoc, ClaimTarget } from './claim-documents.js';

export const CLAIMS_COLLECTION = 'step_claims';

/**
 * Repository of `step_claims`. Every read and write is by `_id` (FerretDB answers only those
 * without a scan), except `findUnreported` and `findExpired`, the rare bounded sweeps.
 */
export class ClaimsStore {
  private readonly claims: Collection<ClaimDoc>;
  private readonly markers: Collection<CancelMarkerDoc>;

  constructor(db: Db) {
    this.claims = db.collection<ClaimDoc>(CLAIMS_COLLECTION);
    this.markers = db.collection<CancelMarkerDoc>(CLAIMS_COLLECTION);
  }

  /**
   * The claim: a unique insert. False when the id exists — another worker claimed the attempt,
   * or it was cancelled before any worker did — and then the attempt must not run here. This
   * insert, not the queue, makes an attempt run at most once under its key.
   */
  async claim(attemptKey: string, worker: string, target: ClaimTarget, leaseMs: number): Promise<boolean> {
    const now = new Date();
    try {
      await this.claims.insertOne({
        _id: attemptKey,
        worker,
        claimed_at: now,
        lease_until: new Date(now.getTime() + leaseMs),
        cancel_requested: false,
        target,
        reported: false,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * A cancel before any claim: inserts a tombstone (no worker) so a later claim fails and the
   * attempt never runs. False when a claim already exists.
   */
  async insertTombstone(attemptKey: string, reason: string): Promise<boolean> {
    try {
      await this.claims.insertOne({
        _id: attemptKey,
        worker: null,
        claimed_at: new Date(),
        lease_until: null,
        cancel_requested: true,
        cancel_reason: reason,
        reported: false,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Records a cancel request for a claimed attempt (idempotent). */
  async requestCancel(attemptKey: string, reason: string): Promise<void> {
    try {
      await this.markers.insertOne({
        _id: cancelMarkerId(attemptKey),
        kind: 'cancel',
        attempt_key: attemptKey,
        reason,
        requested_at: new Date(),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** The cancel reason when a cancel was requested for a claimed attempt. */
  async cancelRequested(attemptKey: string): Promise<string | undefined> {
    const m = await this.markers.findOne({ _id: cancelMarkerId(attemptKey) });
    return m ? m.reason : undefined;
  }

  get(attemptKey: string): Promise<ClaimDoc | null> {
    return this.claims.findOne({ _id: attemptKey });
  }

  /** Of these attempts, those still running somewhere: claimed, no result yet, lease not expired. */
  async liveAttempts(attemptKeys: string[], now = new Date()): Promise<Set<string>> {
    const docs = await this.claims
      .find({ _id: { $in: attemptKeys } }, { projection: { _id: 1, result: 1, lease_until: 1 } })
      .toArray();
    return new Set(docs.filter((d) => !d.result && d.lease_until && d.lease_until > now).map((d) => d._id));
  }

  /** Lease renewal by the claim's worker (its only writer while the code runs). */
  async renewLease(attemptKey: string, leaseMs: number): Promise<Date> {
    const until = new Date(Date.now() + leaseMs);
    await this.claims.updateOne({ _id: attemptKey }, { $set: { lease_until: until } });
    return until;
  }

  /** Records the attempt's end, before it is reported (so any replica can re-send it). */
  async recordResult(attemptKey: string, result: AttemptResult, target?: ClaimTarget): Promise<void> {
    const set: Partial<ClaimDoc> = { result, finished_at: new Date() };
    if (target) set.target = target;
    await this.claims.updateOne({ _id: attemptKey }, { $set: set });
  }

  async markReported(attemptKey: string, rejected?: string): Promise<void> {
    const set: Partial<ClaimDoc> = { reported: true };
    if (rejected !== undefined) set.report_rejected = rejected;
    await this.claims.updateOne({ _id: attemptKey }, { $set: set });
  }

  /**
   * Finished, unreported claims whose result is older than `olderThan` (the owning worker had its
   * chance). A scan — only the sweeper calls it, at most `limit` documents.
   */
  findUnreported(olderThan: Date, limit: number): Promise<ClaimDoc[]> {
    return this.claims
      .find({ reported: false, finished_at: { $lt: olderThan } })
      .limit(limit)
      .toArray();
  }

  /**
   * Retention candidates: claims whose result was reported before `cutoff`, and cancel
   * tombstones written before it (claimExpired has the rules and is applied to each again).
   * A scan on FerretDB (no `_id` filter): only the hourly retention sweep calls it, `limit` at most.
   */
  findExpired(cutoff: Date, limit: number): Promise<ClaimDoc[]> {
    return this.claims
      .find({
        kind: { $exists: false }, // not a cancel marker
        $or: [
          { reported: true, finished_at: { $lt: cutoff } },
          {
            reported: true,
            result: { $exists: true },
            finished_at: { $exists: false },
            claimed_at: { $lt: cutoff },
          },
          { worker: null, claimed_at: { $lt: cutoff } },
        ],
      } as Filter<ClaimDoc>)
      .limit(limit)
      .toArray();
  }

  /** Deletes claims with their cancel markers (markers first: a marker alone is never read). */
  async deleteClaims(attemptKeys: string[]): Promise<number> {
    await deleteByIds(this.markers, attemptKeys.map(cancelMarkerId));
    return deleteByIds(this.claims, attemptKeys);
  }
}

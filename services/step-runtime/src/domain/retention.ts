/**
 * What step-runtime's retention may delete (pure; the sweeper's queries select candidates, and
 * every candidate is checked here again before anything is deleted).
 */

const DAY_MS = 86_400_000;

/** The instant before which data expires, or undefined when `days` is 0 (kept forever). */
export function retentionCutoff(days: number, now: number): Date | undefined {
  return days > 0 ? new Date(now - days * DAY_MS) : undefined;
}

/** The fields of a log meta document the decision needs. */
export interface LogMetaFacts {
  done: boolean;
  updated_at: Date;
}

/**
 * An attempt's log expires once it is complete (`done`: the attempt ended and every chunk is
 * stored) and its last write is older than the cutoff. A log still being written never expires,
 * however long its attempt has been quiet.
 */
export function logExpired(meta: LogMetaFacts, cutoff: Date): boolean {
  return meta.done === true && meta.updated_at instanceof Date && meta.updated_at < cutoff;
}

/** The fields of a claim document the decision needs. */
export interface ClaimFacts {
  worker: string | null;
  claimed_at: Date;
  lease_until: Date | null;
  result?: unknown;
  finished_at?: Date;
  reported: boolean;
}

/**
 * A claim expires when nothing will need it again:
 * - its result was recorded before the cutoff and delivered (`reported`: the scheduler answered,
 *   applied or rejected for good). An unreported result is kept: the report sweeper still owes it.
 *   A result without `finished_at` (never written so, but documents outlive code) counts from
 *   `claimed_at`, which is earlier — so it is kept at most as long as a normal one;
 * - or it is a cancel tombstone (no worker) written before the cutoff.
 * A claimed attempt without a result is never deleted here, leased or not: its worker may still
 * record one, and the claim is what stops a redelivered queue message from running it twice.
 */
export function claimExpired(claim: ClaimFacts, cutoff: Date): boolean {
  if (claim.worker === null) return claim.claimed_at < cutoff;
  if (claim.result === undefined || !claim.reported) return false;
  return (claim.finished_at ?? claim.claimed_at) < cutoff;
}

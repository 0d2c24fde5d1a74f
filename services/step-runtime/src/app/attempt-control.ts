import { BatonError } from '@baton/kit';
import { isAttemptKey } from '../domain/attempt-key.js';
import type { CancelChannel } from '../redis/cancel-channel.js';
import type { ClaimsStore } from '../store/claims-store.js';

export const MAX_CHECK_KEYS = 1_000;
/** Parallel by-_id reads per CheckAttempts call (an `$in` would scan the collection). */
const CHECK_CONCURRENCY = 32;

export interface AttemptLiveness {
  /** A worker inserted the claim (a pre-claim cancel tombstone is not a claim). */
  claimed: boolean;
  leaseUntil?: Date;
  /** A result is recorded — or the attempt was cancelled before a claim and will never run. */
  finished: boolean;
  worker: string;
}

/** CheckAttempts and CancelAttempt: what the scheduler asks of and tells step-runtime by key. */
export class AttemptControl {
  constructor(
    private readonly claims: ClaimsStore,
    private readonly cancels: CancelChannel,
  ) {}

  async check(keys: string[]): Promise<Map<string, AttemptLiveness>> {
    if (keys.length === 0)
      throw BatonError.invalid('attempt_keys is empty', [
        { field: 'attempt_keys', description: 'give at least one key' },
      ]);
    if (keys.length > MAX_CHECK_KEYS) {
      throw BatonError.invalid(`at most ${MAX_CHECK_KEYS} attempt keys per call (got ${keys.length})`, [
        { field: 'attempt_keys', description: `at most ${MAX_CHECK_KEYS} keys` },
      ]);
    }
    const empty = keys.indexOf('');
    if (empty >= 0) {
      throw BatonError.invalid('an attempt key is empty', [
        { field: `attempt_keys[${empty}]`, description: 'is empty' },
      ]);
    }
    const unique = [...new Set(keys)];
    const out = new Map<string, AttemptLiveness>();
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const key = unique[next++];
        const doc = await this.claims.get(key);
        const tombstone = doc !== null && doc.worker === null;
        out.set(key, {
          claimed: doc !== null && doc.worker !== null,
          leaseUntil: doc?.lease_until ?? undefined,
          finished: doc !== null && (doc.result !== undefined || (tombstone && doc.cancel_requested)),
          worker: doc?.worker ?? '',
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, unique.length) }, worker));
    return out;
  }

  /**
   * Cancels an attempt wherever it is. Not claimed yet: a tombstone claim makes every later claim
   * fail, so it never runs. Claimed: a cancel marker (the lease renewal finds it) plus a pub/sub
   * message (the running replica stops it at once). True unless it had already finished.
   */
  async cancel(attemptKey: string, reason: string): Promise<boolean> {
    if (attemptKey === '')
      throw BatonError.invalid('attempt_key is required', [
        { field: 'attempt_key', description: 'is required' },
      ]);
    if (!isAttemptKey(attemptKey))
      throw BatonError.invalid('attempt_key is not an attempt key', [
        {
          field: 'attempt_key',
          description: '<workflow>:<instance>:<run>:<step>:<attempt>, as GetInstance gives it',
        },
      ]);
    const why = reason || 'cancel requested';
    if (await this.claims.insertTombstone(attemptKey, why)) return true;
    const doc = await this.claims.get(attemptKey);
    if (doc?.result) return false;
    if (doc && doc.worker === null) return true; // already a tombstone
    await this.claims.requestCancel(attemptKey, why);
    await this.cancels.publish(attemptKey).catch(() => {
      // Redis away: the lease renewal finds the marker within a third of the lease.
    });
    return true;
  }
}

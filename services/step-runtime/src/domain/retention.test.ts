import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { claimExpired, logExpired, retentionCutoff } from './retention.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const cutoff = retentionCutoff(30, now)!;
const old = new Date(now - 31 * 86_400_000);
const recent = new Date(now - 29 * 86_400_000);

describe('step-runtime retention: what is eligible', () => {
  test('0 days keeps forever; fractions of a day are honoured', () => {
    assert.equal(retentionCutoff(0, now), undefined);
    assert.equal(retentionCutoff(30, now)!.getTime(), now - 30 * 86_400_000);
    assert.equal(retentionCutoff(0.5, now)!.getTime(), now - 43_200_000);
  });

  test('a log expires only when done and last written before the cutoff', () => {
    assert.equal(logExpired({ done: true, updated_at: old }, cutoff), true);
    assert.equal(logExpired({ done: true, updated_at: recent }, cutoff), false);
    // Still running (quiet for a month): never.
    assert.equal(logExpired({ done: false, updated_at: old }, cutoff), false);
  });

  test('a claim expires when its result was reported before the cutoff, or it is an old tombstone', () => {
    const base = { worker: 'w1', claimed_at: old, lease_until: old, reported: true };
    assert.equal(claimExpired({ ...base, result: {}, finished_at: old }, cutoff), true);
    assert.equal(claimExpired({ ...base, result: {}, finished_at: recent }, cutoff), false);
    // Result recorded but not delivered yet: the report sweeper still needs it.
    assert.equal(claimExpired({ ...base, reported: false, result: {}, finished_at: old }, cutoff), false);
    // A result without finished_at counts from the claim.
    assert.equal(claimExpired({ ...base, result: {} }, cutoff), true);
    // No result: leased or lapsed, it stays.
    assert.equal(claimExpired({ ...base, reported: false }, cutoff), false);
    assert.equal(
      claimExpired({ ...base, reported: false, lease_until: new Date(now + 10_000) }, cutoff),
      false,
    );
    // Tombstones (cancelled before any claim).
    const tomb = { worker: null, lease_until: null, reported: false };
    assert.equal(claimExpired({ ...tomb, claimed_at: old }, cutoff), true);
    assert.equal(claimExpired({ ...tomb, claimed_at: recent }, cutoff), false);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { childKeysOf, instanceExpired, retentionCutoff } from './retention';
import type { InstanceSnapshot } from './snapshot';

const now = Date.parse('2026-06-01T00:00:00Z');
const cutoff = retentionCutoff(30, now)!;
const old = now - 31 * 86_400_000;
const recent = now - 29 * 86_400_000;

describe('instance retention: what is eligible', () => {
  test('0 days is off; fractions of a day count', () => {
    assert.equal(retentionCutoff(0, now), undefined);
    assert.equal(retentionCutoff(0.5, now), now - 43_200_000);
  });

  test('every run ended before the cutoff, none with a decision pending', () => {
    assert.equal(instanceExpired([{ status: 'SUCCEEDED', ended_at: old }], cutoff), true);
    assert.equal(
      instanceExpired(
        [
          { status: 'FAILED', ended_at: old },
          { status: 'STOPPED', ended_at: old },
        ],
        cutoff,
      ),
      true,
    );
    // A restart that ended recently keeps the whole instance.
    assert.equal(
      instanceExpired(
        [
          { status: 'FAILED', ended_at: old },
          { status: 'SUCCEEDED', ended_at: recent },
        ],
        cutoff,
      ),
      false,
    );
    // Any run not ended (queued, running, paused) keeps it, however old.
    for (const status of ['CREATED', 'IN_PROGRESS', 'PAUSED'] as const)
      assert.equal(
        instanceExpired([{ status: 'SUCCEEDED', ended_at: old }, { status }], cutoff),
        false,
        status,
      );
    assert.equal(instanceExpired([{ status: 'SUCCEEDED', ended_at: old, unapplied: true }], cutoff), false);
    assert.equal(instanceExpired([{ status: 'SUCCEEDED' }], cutoff), false, 'no end time: not judged ended');
    assert.equal(instanceExpired([], cutoff), false, 'no run yet: being created');
  });

  test('child keys: every launched iteration of every loop or subworkflow step, and where to probe on', () => {
    const snap = {
      key: 'wf:7:2',
      steps: [
        { id: 'plain' },
        { id: 'each', child: { kind: 'foreach', next: 3 } },
        { id: 'call', child: { kind: 'subworkflow', next: 1 } },
      ],
    } as unknown as InstanceSnapshot;
    const { keys, probes } = childKeysOf(snap);
    assert.deepEqual(keys, ['wf:7:2:each:0', 'wf:7:2:each:1', 'wf:7:2:each:2', 'wf:7:2:call:0']);
    assert.deepEqual(
      probes.map((p) => p.keyAt(p.from)),
      ['wf:7:2:each:3', 'wf:7:2:call:1'],
    );
  });
});

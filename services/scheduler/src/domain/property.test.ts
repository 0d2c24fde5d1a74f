import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { StepDef, WorkflowDef } from '@baton/model';
import { decide } from './decide';
import type { InstanceEvent } from './events';
import { newInstanceSnapshot } from './new-snapshot';
import type { InstanceSnapshot } from './snapshot';
import { type AttemptResult, isInstanceTerminal, isStepTerminal } from './statuses';
import { T0 } from '../../test/test-kit';

/** mulberry32: a small seeded PRNG, so every failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomWorkflow(rand: () => number): WorkflowDef {
  const n = 3 + Math.floor(rand() * 12);
  const steps: StepDef[] = [];
  for (let k = 0; k < n; k++) {
    const successors: Record<string, string> = {};
    for (let j = k + 1; j < n; j++) if (rand() < 0.25) successors[`s${j}`] = rand() < 0.85 ? 'true' : 'false';
    const r = rand();
    const type = r < 0.7 ? 'SHELL' : r < 0.85 ? 'NOOP' : 'SLEEP';
    const step: StepDef = {
      kind: 'step',
      id: `s${k}`,
      type,
      transition: { successors },
      retryPolicy: {
        errorRetryLimit: 1,
        platformRetryLimit: 2,
        timeoutRetryLimit: 1,
        backoff: {
          type: 'FIXED_BACKOFF',
          errorRetryBackoffInSecs: Math.floor(rand() * 3),
          platformRetryBackoffInSecs: 1,
          timeoutRetryBackoffInSecs: 0,
        },
      },
    };
    if (type === 'SLEEP') step.params = { sleep_seconds: { value: Math.floor(rand() * 5), type: 'LONG' } };
    if (type === 'SHELL' && rand() < 0.2) step.timeout = 3;
    const fm = rand();
    if (fm < 0.15) step.failureMode = 'IGNORE_FAILURE';
    else if (fm < 0.25) step.failureMode = 'FAIL_IMMEDIATELY';
    steps.push(step);
  }
  return { id: 'prop', steps, ...(rand() < 0.3 ? { instanceStepConcurrency: 2 } : {}) };
}

const RESULTS: AttemptResult[] = [
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'USER_FAILED',
  'PLATFORM_FAILED',
  'FATALLY_FAILED',
  'TIMED_OUT',
];

function checkInvariants(prev: InstanceSnapshot, next: InstanceSnapshot): void {
  if (isInstanceTerminal(prev.status)) assert.equal(next.status, prev.status, 'a terminal instance changed');
  prev.steps.forEach((p, i) => {
    const n = next.steps[i]!;
    if (isStepTerminal(p.status))
      assert.equal(n.status, p.status, `terminal step ${p.id} changed ${p.status} → ${n.status}`);
    // An attempt's recorded result is applied once and never rewritten.
    p.attempts.forEach((a, k) => {
      if (a.status !== 'STARTING' && a.status !== 'RUNNING')
        assert.deepEqual(n.attempts[k], a, `attempt ${a.key} rewritten`);
    });
  });
  assert.equal(new Set(next.active).size, next.active.length, 'duplicate active entry');
  assert.equal(new Set(next.queue).size, next.queue.length, 'duplicate queue entry');
  if (!isInstanceTerminal(next.status)) {
    const expectActive = next.steps
      .filter(
        (s) =>
          s.status === 'STARTING' ||
          s.status === 'RUNNING' ||
          (s.status === 'INITIALIZED' && s.dueAt !== undefined),
      )
      .map((s) => s.id)
      .sort();
    assert.deepEqual([...next.active].sort(), expectActive, 'active list out of sync');
  }
  assert.deepEqual(JSON.parse(JSON.stringify(next)), next, 'snapshot is not plain JSON');
}

describe('decide: random interleavings (seeded)', () => {
  for (let seed = 1; seed <= 60; seed++) {
    test(`seed ${seed}`, () => {
      const rand = prng(seed);
      const ctx = { workflow: randomWorkflow(rand) };
      let snap = newInstanceSnapshot(ctx, { workflowId: 'prop', instanceId: seed }, T0);
      let now = T0;
      let n = 0;
      const past: InstanceEvent[] = [];
      const keys = new Set<string>();
      const step = (events: InstanceEvent[]) => {
        const before = JSON.stringify(snap);
        const out = decide(snap, events, now, ctx);
        assert.equal(JSON.stringify(snap), before, 'decide mutated its input');
        checkInvariants(snap, out.snapshot);
        for (const a of out.actions) {
          if (a.type === 'dispatchAttempt') {
            assert.ok(!keys.has(a.attemptKey), `attempt key ${a.attemptKey} dispatched twice`);
            keys.add(a.attemptKey);
          }
        }
        snap = out.snapshot;
        past.push(...events);
      };
      step([{ type: 'start', id: 'start' }]);
      let rounds = 0;
      while (!isInstanceTerminal(snap.status)) {
        assert.ok(
          ++rounds < 2_000,
          `instance did not end: ${JSON.stringify(snap.steps.map((s) => s.status))}`,
        );
        const batch: InstanceEvent[] = [];
        const flying = snap.steps.filter(
          (s) =>
            (s.status === 'STARTING' || s.status === 'RUNNING') &&
            s.dueAt === undefined &&
            s.attempts.at(-1)?.status !== 'SUCCEEDED',
        );
        const count = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < count; k++) {
          const r = rand();
          const s = flying[Math.floor(rand() * flying.length)];
          if (r < 0.15 && past.length > 0) batch.push(past[Math.floor(rand() * past.length)]!);
          else if (s && r < 0.25)
            batch.push({
              type: 'attemptFinished',
              id: `x${++n}`,
              stepId: s.id,
              attempt: Math.max(0, s.attempt - 1),
              status: 'SUCCEEDED',
            });
          else if (s && r < 0.32)
            batch.push({ type: 'attemptLeaseExpired', id: `x${++n}`, stepId: s.id, attempt: s.attempt });
          else if (s && r < 0.4)
            batch.push({ type: 'attemptStarted', id: `x${++n}`, stepId: s.id, attempt: s.attempt });
          else if (s) {
            const ev: InstanceEvent = {
              type: 'attemptFinished',
              id: `x${++n}`,
              stepId: s.id,
              attempt: s.attempt,
              status: RESULTS[Math.floor(rand() * RESULTS.length)]!,
            };
            batch.push(ev);
            if (rand() < 0.3) batch.push(ev);
          }
        }
        if (batch.length === 0 || rand() < 0.2)
          now = snap.nextWakeAt !== undefined && rand() < 0.8 ? snap.nextWakeAt : now + 1000;
        step(batch);
      }
      assert.ok(isInstanceTerminal(snap.status));
      assert.equal(snap.nextWakeAt, undefined);
    });
  }
});

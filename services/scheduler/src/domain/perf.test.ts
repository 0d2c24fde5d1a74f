import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { WorkflowDef } from '@baton/model';
import { decide } from './decide';
import { DERIVED_DEFAULT_PARAMS } from './default-params';
import { newInstanceSnapshot } from './new-snapshot';
import type { InstanceSnapshot } from './snapshot';
import { Run, T0, evId } from '../../test/test-kit';

/** Builds big definitions directly (the model's 10,000-step limit applies to pushes, not to decide). */
function chainDef(n: number, type: 'SHELL' | 'NOOP'): WorkflowDef {
  return {
    id: 'big',
    steps: Array.from({ length: n }, (_, k) => ({
      kind: 'step' as const,
      id: `s${k}`,
      type,
      transition: { successors: k + 1 < n ? { [`s${k + 1}`]: 'true' } : {} },
    })),
  };
}

function fanDef(width: number): WorkflowDef {
  const mids = Array.from({ length: width }, (_, k) => `m${k}`);
  return {
    id: 'fan',
    steps: [
      {
        kind: 'step',
        id: 'root',
        type: 'NOOP',
        transition: { successors: Object.fromEntries(mids.map((m) => [m, 'true'])) },
      },
      ...mids.map((id) => ({
        kind: 'step' as const,
        id,
        type: 'SHELL' as const,
        transition: { successors: { end: 'true' } },
      })),
      { kind: 'step', id: 'end', type: 'JOIN', transition: { successors: {} } },
    ],
  };
}

/** Median µs of one start decision of a fresh 10-step NoOp run (decide only, after a warm-up). */
function startMicros(workflow: WorkflowDef, rounds = 3000): { us: number; snap: InstanceSnapshot } {
  const ctx = { workflow };
  const once = (k: number) =>
    decide(
      newInstanceSnapshot(ctx, { workflowId: workflow.id, instanceId: k }, T0),
      [{ type: 'start', id: 's' }],
      T0,
      ctx,
    );
  for (let k = 0; k < 500; k++) once(k);
  const times: number[] = [];
  let last = once(0);
  for (let k = 0; k < rounds; k++) {
    const t = performance.now();
    last = once(k);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { us: times[times.length >> 1]! * 1000, snap: last.snapshot };
}

describe('decide at scale', () => {
  test('10-step NoOp start: the default params cost nothing unless the definition reads them', () => {
    const plain = chainDef(10, 'NOOP');
    const readsAll: WorkflowDef = {
      ...plain,
      params: { all: { type: 'STRING', expression: Object.keys(DERIVED_DEFAULT_PARAMS).join(' + ') } },
    };
    const a = startMicros(plain);
    const b = startMicros(readsAll);
    assert.equal(a.snap.status, 'SUCCEEDED');
    assert.equal(b.snap.status, 'SUCCEEDED', b.snap.message);
    // The guard that keeps the plain start cheap: it evaluates none of the SEL defaults.
    assert.deepEqual(
      Object.keys(a.snap.params).filter((k) => Object.hasOwn(DERIVED_DEFAULT_PARAMS, k)),
      [],
    );
    console.log(
      `10-step NoOp start: p50 ${a.us.toFixed(1)} µs; reading all ${Object.keys(DERIVED_DEFAULT_PARAMS).length} SEL defaults: p50 ${b.us.toFixed(1)} µs`,
    );
  });

  test('10,000-step Shell chain runs to completion, one result per decide', () => {
    const r = new Run({ workflow: chainDef(10_000, 'SHELL') });
    r.start();
    for (let k = 0; k < 10_000; k++) r.finish(`s${k}`);
    assert.equal(r.snap.status, 'SUCCEEDED');
    assert.equal(r.dispatches().length, 10_000);
    console.log(
      `10,000-step chain: ${r.calls} decide calls, ${r.decideMs.toFixed(0)} ms total, ${((r.decideMs / r.calls) * 1000).toFixed(1)} µs/call`,
    );
  });
  test('10,000-step NoOp chain completes in the start decision', () => {
    const r = new Run({ workflow: chainDef(10_000, 'NOOP') });
    r.start();
    assert.equal(r.snap.status, 'SUCCEEDED');
    console.log(`10,000 NoOp steps inline: ${r.decideMs.toFixed(1)} ms`);
  });
  test('fan-out 1 → 9,998 → 1 runs to completion', () => {
    const r = new Run({ workflow: fanDef(9_998) });
    r.start();
    assert.equal(r.dispatches().length, 9_998);
    for (let k = 0; k < 9_998; k++) r.finish(`m${k}`);
    assert.equal(r.snap.status, 'SUCCEEDED');
    console.log(
      `fan-out 9,998: ${r.calls} decide calls, ${r.decideMs.toFixed(0)} ms total, ${((r.decideMs / r.calls) * 1000).toFixed(1)} µs/call`,
    );
  });
  test('1,000-step instance, one event per decide: per-call time', () => {
    const ctx = { workflow: chainDef(1_000, 'SHELL') };
    const r = new Run(ctx);
    r.start();
    for (let k = 0; k < 500; k++) r.finish(`s${k}`);
    const times: number[] = [];
    const snap = r.snap;
    for (let k = 0; k < 2_000; k++) {
      const t = performance.now();
      decide(
        snap,
        [{ type: 'attemptFinished', id: evId(), stepId: 's500', attempt: 1, status: 'SUCCEEDED' }],
        T0,
        ctx,
      );
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p50 = times[times.length >> 1]!;
    const p99 = times[Math.floor(times.length * 0.99)]!;
    console.log(
      `1,000-step instance, one result: p50 ${(p50 * 1000).toFixed(1)} µs, p99 ${(p99 * 1000).toFixed(1)} µs`,
    );
    assert.ok(p50 >= 0);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkflowDef } from '@baton/model';
import { decide } from './decide';
import { Run, T0, evId } from './test-kit';

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

describe('decide at scale', () => {
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

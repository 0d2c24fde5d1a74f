import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { SignalInstance } from './signal-instance';
import { type WaitSpec, decideWait, initialWaitState, waitSpecFromJson, waitSpecToJson } from './signal-wait';

const spec: WaitSpec = {
  waitKey: 'wf:1:1:s:w1',
  instanceKey: 'wf:1:1',
  workflowId: 'wf',
  instanceId: 1,
  runId: 1,
  stepId: 's',
  deps: [
    { name: 'a', match: [{ param: 'date', operator: '=', value: 20240101n }] },
    { name: 'b', match: [] },
  ],
};
const sig = (name: string, seq: number, params: Record<string, string | bigint> = {}): SignalInstance => ({
  name,
  seq,
  params,
  createdAt: seq,
});

test('history is searched newest first; new signals first of all', () => {
  const s0 = initialWaitState(spec, [5, 0]);
  assert.deepEqual(s0, { matched: [null, null], forward: [5, 0], backward: [6, 1] });
  const d = decideWait(s0, spec, [
    {
      newer: [],
      older: [sig('a', 3, { date: 20240101n }), sig('a', 4, { date: 20240101n }), sig('a', 5)],
      latest: 5,
    },
    { newer: [], older: [], latest: 0 },
  ]);
  assert.equal(d.matches.length, 1);
  assert.equal(d.matches[0]!.signal.seq, 4, 'the newest matching instance');
  assert.equal(d.done, false);
  const d2 = decideWait(d.state, spec, [undefined, { newer: [sig('b', 1)], older: [], latest: 1 }]);
  assert.deepEqual(
    d2.matches.map((m) => m.index),
    [1],
  );
  assert.equal(d2.done, true);
});

test('cursors move even without a match, so nothing is examined twice', () => {
  const s0 = initialWaitState(spec, [10, 0]);
  const d = decideWait(s0, spec, [
    { newer: [sig('a', 11, { date: 1n })], older: [sig('a', 9), sig('a', 8)], latest: 11 },
    { newer: [], older: [], latest: 0 },
  ]);
  assert.equal(d.matches.length, 0);
  assert.deepEqual(d.state.forward, [11, 0]);
  assert.deepEqual(d.state.backward, [8, 1]);
});

test('a wait survives its JSON round trip with LONG and STRING match values', () => {
  const s = {
    ...spec,
    deps: [...spec.deps, { name: 'c', match: [{ param: 'x', operator: '>' as const, value: '123n' }] }],
  };
  assert.deepEqual(waitSpecFromJson(waitSpecToJson(s)), s);
});

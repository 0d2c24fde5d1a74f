import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { SignalTrigger } from '@baton/model';
import type { SignalInstance } from './signal-instance';
import {
  type SignalTriggerState,
  compileSignalTrigger,
  decideSignalTrigger,
  MAX_PENDING,
} from './signal-trigger';

const empty: SignalTriggerState = { cursors: {}, pending: {}, fired: 0, skipped: 0 };
const sig = (
  name: string,
  seq: number,
  params: Record<string, string | bigint>,
  createdAt = seq,
): SignalInstance => ({
  name,
  seq,
  params,
  createdAt,
});

function trigger(t: SignalTrigger) {
  return compileSignalTrigger('wf', 'tid', t);
}

test('one signal: every matching instance fires once; non-matching ones are passed over', () => {
  const t = trigger({ definitions: { a: { matchParams: { n: { value: 5, operator: '>=' } } } } });
  const d = decideSignalTrigger(
    empty,
    t,
    [sig('a', 1, { n: 7n }), sig('a', 2, { n: 1n }), sig('a', 3, { n: 5n })],
    0,
  );
  assert.deepEqual(
    d.fires.map((f) => f.signals.map((s) => `${s.name}#${s.seq}`)),
    [['a#1'], ['a#3']],
  );
  assert.equal(d.state.cursors.a, 3);
  assert.equal(d.state.fired, 2);
  // Seen again (a redelivery below the cursor): nothing.
  assert.equal(decideSignalTrigger(d.state, t, [sig('a', 3, { n: 5n })], 0).fires.length, 0);
});

test('join keys match positionally across signals; each instance is consumed at most once', () => {
  const t = trigger({
    definitions: { a: { joinKeys: ['date'] }, b: { joinKeys: ['day'] } },
  });
  const d1 = decideSignalTrigger(empty, t, [sig('a', 1, { date: 1n }), sig('a', 2, { date: 2n })], 0);
  assert.equal(d1.fires.length, 0);
  assert.equal(d1.state.pending.a!.length, 2);
  const d2 = decideSignalTrigger(d1.state, t, [sig('b', 1, { day: 2n }, 10)], 0);
  assert.deepEqual(
    d2.fires[0]!.signals.map((s) => `${s.name}#${s.seq}`),
    ['a#2', 'b#1'],
  );
  assert.equal(d2.state.pending.a!.length, 1, 'a#1 (date 1) is still a candidate');
  const d3 = decideSignalTrigger(
    d2.state,
    t,
    [sig('b', 2, { day: 2n }, 11), sig('b', 3, { day: 1n }, 12)],
    0,
  );
  assert.deepEqual(
    d3.fires.map((f) => f.signals.map((s) => `${s.name}#${s.seq}`)),
    [['a#1', 'b#3']],
    'b#2 (day 2) has no partner left: a#2 was consumed',
  );
  assert.deepEqual(
    d3.state.pending.b!.map((c) => c.seq),
    [2],
  );
});

test('without join keys the oldest candidate of each name joins', () => {
  const t = trigger({ definitions: { a: {}, b: {} } });
  const d = decideSignalTrigger(empty, t, [sig('a', 1, {}, 1), sig('a', 2, {}, 2), sig('b', 1, {}, 3)], 0);
  assert.deepEqual(
    d.fires[0]!.signals.map((s) => `${s.name}#${s.seq}`),
    ['a#1', 'b#1'],
  );
});

test('a signal missing a join key never joins', () => {
  const t = trigger({ definitions: { a: { joinKeys: ['k'] }, b: { joinKeys: ['k'] } } });
  const d = decideSignalTrigger(empty, t, [sig('a', 1, {}), sig('b', 1, { k: 'x' })], 0);
  assert.equal(d.fires.length, 0);
  assert.equal(d.state.pending.a!.length, 0);
});

test('condition false consumes the join without a run; dedup_expr gives the request id', () => {
  const t = trigger({
    definitions: { a: {} },
    condition: "params.getFromSignal('a', 'n') > 3",
    dedupExpr: "'day-' + params.getFromSignal('a', 'day')",
  });
  const d = decideSignalTrigger(
    empty,
    t,
    [sig('a', 1, { n: 1n, day: 'x' }), sig('a', 2, { n: 5n, day: 'y' }), sig('a', 3, { n: 9n, day: 'y' })],
    0,
  );
  assert.equal(d.state.skipped, 1);
  assert.equal(d.fires.length, 2);
  assert.equal(d.fires[0]!.requestId, d.fires[1]!.requestId, 'the same dedup key: one run');
  assert.match(d.fires[0]!.requestId, /^dedup:/);
});

test('trigger params see the signals (two- and one-argument getFromSignal)', () => {
  const t = trigger({
    definitions: { a: {}, b: {} },
    params: {
      d: { type: 'LONG', expression: "params.getFromSignal('a', 'date')" },
      r: { type: 'STRING', expression: "params.getFromSignal('region')" },
      both: { type: 'STRING', value: '${r}-x' },
    },
  });
  const d = decideSignalTrigger(
    empty,
    t,
    [sig('a', 1, { date: 20240101n }), sig('b', 1, { region: 'eu' }, 2)],
    0,
  );
  assert.deepEqual(d.fires[0]!.runParams, {
    d: { value: 20240101, type: 'LONG' },
    r: { value: 'eu', type: 'STRING' },
    both: { value: 'eu-x', type: 'STRING' },
  });
});

test('a failing expression skips the join and records why', () => {
  const t = trigger({ definitions: { a: {} }, condition: 'nope(' });
  const d = decideSignalTrigger(empty, t, [sig('a', 1, {})], 0);
  assert.equal(d.fires.length, 0);
  assert.equal(d.state.skipped, 1);
  assert.match(d.state.lastError ?? '', /condition/);
});

test('candidates per name are capped (the oldest go)', () => {
  const t = trigger({ definitions: { a: { joinKeys: ['k'] }, b: { joinKeys: ['k'] } } });
  const many = Array.from({ length: MAX_PENDING + 5 }, (_, i) => sig('a', i + 1, { k: String(i) }));
  const d = decideSignalTrigger(empty, t, many, 0);
  assert.equal(d.state.pending.a!.length, MAX_PENDING);
  assert.equal(d.state.pending.a![0]!.seq, 6);
});

test('the same input gives the same decision (a redo is identical)', () => {
  const t = trigger({ definitions: { a: { joinKeys: ['k'] }, b: { joinKeys: ['k'] } } });
  const input = [sig('b', 1, { k: '1' }, 5), sig('a', 1, { k: '1' }, 5), sig('a', 2, { k: '2' }, 4)];
  assert.deepEqual(
    decideSignalTrigger(empty, t, input, 7),
    decideSignalTrigger(empty, t, [...input].reverse(), 7),
  );
});

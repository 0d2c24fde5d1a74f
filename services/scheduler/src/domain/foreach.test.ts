import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { DecideContext } from './context';
import type { JsonValue } from './json';
import { restartSnapshot } from './restart';
import { type Case, T0, check, e, p, play, s, workflow } from '../../test/test-kit';
import { Tree, type Worker } from '../../test/tree-kit';

const arr = (v: unknown[], type = 'LONG_ARRAY') => ({ value: v, type });
const each = (id: string, loop: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  foreach: {
    id,
    params: { loop_params: { type: 'MAP', value: loop } },
    steps: [s(`${id}_inner`, 'Shell')],
    ...extra,
  },
});
const NO_RETRY = { retry_policy: { error_retry_limit: 0, platform_retry_limit: 0 } };

describe('foreach: getFromForeach (DecideContext.foreachValues)', () => {
  const calls: string[] = [];
  const hook: DecideContext['foreachValues'] = (f, inner, param) => {
    calls.push(`${f}/${inner}/${param}`);
    return param === 'x' ? [10, 20, 30] : undefined;
  };
  const steps = (expr: string) => [
    each('fe', { i: arr([1, 2, 3]) }, { transition: { successors: { after: 'true' } } }),
    s('after', 'NoOp', undefined, { params: { vals: e(expr, 'LONG_ARRAY') } }),
  ];
  const done: Case['ops'] = [
    ['start'],
    ['childFinished', 'fe', 0],
    ['childFinished', 'fe', 1],
    ['childFinished', 'fe', 2],
  ];
  const cases: (Case & { vals?: JsonValue })[] = [
    {
      name: 'a downstream step gets the per-iteration values in iteration order',
      steps: steps("params.getFromForeach('fe', 'fe_inner', 'x')"),
      ctx: { foreachValues: hook },
      ops: done,
      expect: { status: 'SUCCEEDED', steps: { after: 'SUCCEEDED' } },
      vals: [10, 20, 30],
    },
    {
      name: 'an unknown value (the hook answers undefined) fails the step clearly',
      steps: steps("params.getFromForeach('fe', 'fe_inner', 'nope')"),
      ctx: { foreachValues: hook },
      ops: done,
      expect: { status: 'FAILED', steps: { after: 'INTERNALLY_FAILED' }, message: /getFromForeach/ },
    },
    {
      name: 'without the hook the step fails clearly',
      steps: steps("params.getFromForeach('fe', 'fe_inner', 'x')"),
      ops: done,
      expect: { status: 'FAILED', steps: { after: 'INTERNALLY_FAILED' }, message: /getFromForeach/ },
    },
    {
      name: 'a step that is not a foreach is not asked about',
      steps: [
        s('a', 'NoOp', { b: 'true' }),
        s('b', 'NoOp', undefined, { params: { v: e("params.getFromForeach('a', 'x', 'x')", 'LONG_ARRAY') } }),
      ],
      ctx: { foreachValues: hook },
      ops: [['start']],
      expect: { status: 'FAILED', steps: { b: 'INTERNALLY_FAILED' } },
    },
    {
      name: 'a foreach still running is not asked about (its values could still change)',
      steps: [
        each('fe', { i: arr([1, 2]) }),
        s('par', 'NoOp', undefined, {
          params: { v: e("params.getFromForeach('fe', 'fe_inner', 'x')", 'LONG_ARRAY') },
        }),
      ],
      ctx: { foreachValues: hook },
      ops: [['start']],
      expect: { steps: { fe: 'RUNNING', par: 'INTERNALLY_FAILED' } },
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      calls.length = 0;
      const r = play(c);
      assert.deepEqual(check(r, c.expect), []);
      if (c.vals !== undefined) {
        assert.deepEqual(r.step('after').params!.vals, c.vals);
        assert.deepEqual(calls, ['fe/fe_inner/x']);
      }
      if (c.name.includes('not asked')) assert.deepEqual(calls, []);
    });

  test('through a whole tree: values from the iterations’ child instances', () => {
    const wf = workflow([
      {
        foreach: {
          id: 'fe',
          params: { loop_params: { type: 'MAP', value: { x: arr([3, 1, 2]) } } },
          steps: [s('sq', 'NoOp', undefined, { params: { y: e('x * x', 'LONG') } })],
          transition: { successors: { after: 'true' } },
        },
      },
      s('after', 'NoOp', undefined, {
        params: { ys: e("params.getFromForeach('fe', 'sq', 'y')", 'LONG_ARRAY') },
      }),
    ]);
    const t = new Tree(wf);
    const snap = t.snap(t.start());
    assert.equal(snap.status, 'SUCCEEDED', snap.message);
    assert.deepEqual(snap.steps[1]!.params!.ys, [9, 1, 4]);
  });
});

describe('foreach: strict_ordering', () => {
  const strict = (extra: Record<string, unknown> = {}) =>
    each('fe', { i: arr([1, 2, 3, 4]) }, { concurrency: 3, strict_ordering: true, ...extra });
  const cases: Case[] = [
    {
      name: 'one iteration at a time, whatever the concurrency',
      steps: [strict()],
      ops: [['start']],
      expect: { status: 'IN_PROGRESS', childStarts: 1 },
    },
    {
      name: 'iteration i+1 starts when i SUCCEEDED',
      steps: [strict()],
      ops: [['start'], ['childFinished', 'fe', 0], ['childFinished', 'fe', 1]],
      expect: { status: 'IN_PROGRESS', childStarts: 3 },
    },
    {
      name: 'a report for a later iteration before it started is ignored',
      steps: [strict()],
      ops: [['start'], ['childFinished', 'fe', 1]],
      expect: { status: 'IN_PROGRESS', childStarts: 1 },
    },
    {
      name: 'a failed iteration: no later iteration starts',
      steps: [strict()],
      ops: [['start'], ['childFinished', 'fe', 0], ['childFinished', 'fe', 1, 'FAILED']],
      expect: { status: 'FAILED', steps: { fe: 'USER_FAILED' }, childStarts: 2 },
    },
    {
      name: 'all in order → SUCCEEDED',
      steps: [strict()],
      ops: [
        ['start'],
        ['childFinished', 'fe', 0],
        ['childFinished', 'fe', 1],
        ['childFinished', 'fe', 2],
        ['childFinished', 'fe', 3],
      ],
      expect: { status: 'SUCCEEDED', outputs: { fe: { iterations: 4, succeeded: 4 } } },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(check(play(c), c.expect), []));

  test('launch order is the index order', () => {
    const r = play({
      steps: [strict()],
      ops: [['start'], ['childFinished', 'fe', 0], ['childFinished', 'fe', 1], ['childFinished', 'fe', 2]],
    });
    assert.deepEqual(
      r.ofType('startChild').map((a) => a.iteration),
      [0, 1, 2, 3],
    );
  });
});

describe('foreach: restart reruns only the iterations that did not succeed', () => {
  test('restartSnapshot records the earlier runs of a rerun foreach (FROM_INCOMPLETE only)', () => {
    const r = play({
      steps: [each('fe', { i: arr([1, 2, 3, 4, 5]) }, { concurrency: 2 })],
      ops: [
        ['start'],
        ['childFinished', 'fe', 0],
        ['childFinished', 'fe', 1, 'FAILED'],
        ['childFinished', 'fe', 2],
      ],
    });
    assert.equal(r.snap.status, 'FAILED');
    assert.equal(r.step('fe').child!.next, 3);
    const run2 = restartSnapshot(r.snap, r.ctx, {}, T0);
    assert.deepEqual(run2.steps[0]!.prior, [{ key: 'wf:1:1', launched: 3 }]);
    assert.equal(run2.steps[0]!.status, 'NOT_CREATED');
    assert.equal(
      restartSnapshot(r.snap, r.ctx, { mode: 'RESTART_FROM_BEGINNING' }, T0).steps[0]!.prior,
      undefined,
    );
    assert.equal(restartSnapshot(r.snap, r.ctx, { fromStepId: 'fe' }, T0).steps[0]!.prior, undefined);
  });

  test('the restarted run names the earlier keys of iterations started before (newest run first)', () => {
    const r = play({
      steps: [each('fe', { i: arr([1, 2, 3, 4, 5]) }, { concurrency: 5 })],
      ops: [['start'], ['childFinished', 'fe', 0, 'FAILED'], ['stop']],
    });
    const run2 = restartSnapshot(
      { ...r.snap, steps: [{ ...r.snap.steps[0]!, prior: [{ key: 'wf:1:0', launched: 2 }] }] },
      r.ctx,
      {},
      T0,
    );
    assert.deepEqual(run2.steps[0]!.prior, [
      { key: 'wf:1:1', launched: 5 },
      { key: 'wf:1:0', launched: 2 },
    ]);
  });

  test('a reused iteration counts as succeeded; outputs report how many were reused', () => {
    const cases: Case = {
      name: 'reuse',
      steps: [each('fe', { i: arr([1, 2]) })],
      ops: [['start'], ['iteration', 'fe', 'SUCCEEDED', undefined, 'wf:1:0:fe:0'], ['iteration', 'fe']],
      expect: { status: 'SUCCEEDED', outputs: { fe: { iterations: 2, succeeded: 2, reused: 1 } } },
    };
    assert.deepEqual(check(play(cases), cases.expect), []);
  });

  /** Fails the inner step of the iterations listed per run key prefix. */
  const failing =
    (plan: Record<string, number[]>): Worker =>
    (a) => {
      const parts = a.instanceKey.split(':');
      const run = parts.slice(0, 3).join(':');
      const it = Number(parts[4]);
      return { status: plan[run]?.includes(it) ? 'USER_FAILED' : 'SUCCEEDED' };
    };
  const wf = () =>
    workflow([
      {
        foreach: {
          id: 'fe',
          concurrency: 3,
          params: { loop_params: { type: 'MAP', value: { x: arr([0, 1, 2, 3, 4, 5, 6, 7]) } } },
          steps: [s('inner', 'Shell', undefined, { ...NO_RETRY, params: { y: e('x * 10', 'LONG') } })],
          transition: { successors: { after: 'true' } },
        },
      },
      s('after', 'NoOp', undefined, {
        params: { ys: e("params.getFromForeach('fe', 'inner', 'y')", 'LONG_ARRAY') },
      }),
    ]);
  const succeededIn = (t: Tree, run: string) =>
    [...t.nodes.keys()].filter((k) => k.startsWith(`${run}:fe:`) && t.snap(k).status === 'SUCCEEDED').length;

  test('through a whole tree: run 2 reruns exactly the iterations not SUCCEEDED in run 1', () => {
    const t = new Tree(wf(), failing({ 'wf:1:1': [1, 4] }));
    t.start();
    assert.equal(t.snap('wf:1:1').status, 'FAILED');
    const ok1 = succeededIn(t, 'wf:1:1');
    const created1 = t.created;
    const run2 = t.restart('wf:1:1');
    const snap = t.snap(run2);
    assert.equal(snap.status, 'SUCCEEDED', snap.message);
    assert.equal(t.created - created1, 8 - ok1);
    assert.deepEqual(snap.steps[0]!.outputs, { iterations: 8, succeeded: 8, reused: ok1 });
    assert.deepEqual(snap.steps[1]!.params!.ys, [0, 10, 20, 30, 40, 50, 60, 70]);
  });

  test('through a whole tree: a second restart reuses iterations of both earlier runs', () => {
    const t = new Tree(wf(), failing({ 'wf:1:1': [1], 'wf:1:2': [5] }));
    t.start();
    const ok1 = succeededIn(t, 'wf:1:1');
    t.restart('wf:1:1');
    assert.equal(t.snap('wf:1:2').status, 'FAILED');
    const ok2 = succeededIn(t, 'wf:1:2');
    const before = t.created;
    const run3 = t.restart('wf:1:2');
    const snap = t.snap(run3);
    assert.equal(snap.status, 'SUCCEEDED', snap.message);
    assert.equal(t.created - before, 8 - ok1 - ok2);
    assert.deepEqual(snap.steps[0]!.outputs, { iterations: 8, succeeded: 8, reused: ok1 + ok2 });
    assert.deepEqual(snap.steps[1]!.params!.ys, [0, 10, 20, 30, 40, 50, 60, 70]);
  });

  test('restartSnapshot as a rerun iteration: new key, run id, parent and params', () => {
    const r = play({
      steps: [s('a', 'Shell', undefined, NO_RETRY)],
      ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    });
    const parent = { key: 'wf:1:2', workflowId: 'wf', stepId: 'fe', iteration: 3 };
    const next = restartSnapshot(
      { ...r.snap, key: 'wf:1:1:fe:3', parent: { ...parent, key: 'wf:1:1' } },
      r.ctx,
      {
        child: { key: 'wf:1:2:fe:3', runId: 2, parent, runParams: { x: { value: p(1).value as JsonValue } } },
      },
      T0,
    );
    assert.deepEqual(
      [next.key, next.runId, next.parent, next.runParams],
      ['wf:1:2:fe:3', 2, parent, { x: { value: 1 } }],
    );
  });
});

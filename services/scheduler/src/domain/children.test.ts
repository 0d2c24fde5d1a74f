import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { StartChildAction } from './actions';
import { decide } from './decide';
import { newInstanceSnapshot } from './new-snapshot';
import { type Case, Run, T0, check, evId, play, s, workflow } from '../../test/test-kit';

const sub = (id: string, extra: Record<string, unknown> = {}, successors?: Record<string, string>) => ({
  subworkflow: {
    id,
    params: { subworkflow_id: { value: 'child.wf', type: 'STRING' }, ...(extra.params as object) },
    ...(successors ? { transition: { successors } } : {}),
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'params')),
  },
});
const each = (id: string, loop: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  foreach: {
    id,
    params: { loop_params: { type: 'MAP', value: loop } },
    steps: [s(`${id}_inner`, 'Shell')],
    ...extra,
  },
});
const arr = (v: unknown[], type = 'LONG_ARRAY') => ({ value: v, type });

const cases: Case[] = [
  {
    name: 'subworkflow (sync) starts a child and waits',
    steps: [sub('sw')],
    ops: [['start']],
    expect: { status: 'IN_PROGRESS', steps: { sw: 'RUNNING' } },
  },
  {
    name: 'subworkflow (sync) takes the child’s success',
    steps: [sub('sw', {}, { b: 'true' }), s('b')],
    ops: [['start'], ['childStarted', 'sw', 0], ['childFinished', 'sw', 0]],
    expect: { status: 'SUCCEEDED', steps: { sw: 'SUCCEEDED' } },
  },
  {
    name: 'subworkflow (sync) child FAILED → step USER_FAILED',
    steps: [sub('sw')],
    ops: [['start'], ['childFinished', 'sw', 0, 'FAILED']],
    expect: { status: 'FAILED', steps: { sw: 'USER_FAILED' } },
  },
  {
    name: 'subworkflow child STOPPED → step STOPPED',
    steps: [sub('sw')],
    ops: [['start'], ['childFinished', 'sw', 0, 'STOPPED']],
    expect: { status: 'STOPPED', steps: { sw: 'STOPPED' } },
  },
  {
    name: 'subworkflow child TIMED_OUT → step TIMED_OUT',
    steps: [sub('sw')],
    ops: [['start'], ['childFinished', 'sw', 0, 'TIMED_OUT']],
    expect: { status: 'FAILED', steps: { sw: 'TIMED_OUT' } },
  },
  {
    name: 'subworkflow (async) succeeds once the child exists',
    steps: [sub('sw', { sync: false })],
    ops: [['start'], ['childStarted', 'sw', 0]],
    expect: { status: 'SUCCEEDED', steps: { sw: 'SUCCEEDED' } },
  },
  {
    name: 'duplicate child-finished is ignored',
    steps: [sub('sw', {}, { b: 'true' }), s('b', 'Shell')],
    ops: [['start'], ['childFinished', 'sw', 0], ['again']],
    expect: { inFlight: ['b'] },
  },
  {
    name: 'child-finished for another iteration is ignored',
    steps: [sub('sw')],
    ops: [['start'], ['childFinished', 'sw', 3]],
    expect: { status: 'IN_PROGRESS', steps: { sw: 'RUNNING' } },
  },
  {
    name: 'foreach: launches up to concurrency',
    steps: [each('fe', { i: arr([1, 2, 3, 4, 5]) }, { concurrency: 2 })],
    ops: [['start']],
    expect: { status: 'IN_PROGRESS', steps: { fe: 'RUNNING' } },
  },
  {
    name: 'foreach: runs all iterations to SUCCEEDED',
    steps: [each('fe', { i: arr([1, 2, 3]) }, { concurrency: 2 })],
    ops: [['start'], ['childFinished', 'fe', 0], ['childFinished', 'fe', 1], ['childFinished', 'fe', 2]],
    expect: { status: 'SUCCEEDED', steps: { fe: 'SUCCEEDED' } },
  },
  {
    name: 'foreach: an iteration not yet launched cannot finish',
    steps: [each('fe', { i: arr([1, 2, 3]) }, { concurrency: 1 })],
    ops: [['start'], ['childFinished', 'fe', 2]],
    expect: { status: 'IN_PROGRESS' },
  },
  {
    name: 'foreach: a failed iteration stops launching, step fails when the rest end',
    steps: [each('fe', { i: arr([1, 2, 3, 4]) }, { concurrency: 2 })],
    ops: [['start'], ['childFinished', 'fe', 0, 'FAILED'], ['childFinished', 'fe', 1]],
    expect: { status: 'FAILED', steps: { fe: 'USER_FAILED' } },
  },
  {
    name: 'foreach over an empty array succeeds at once',
    steps: [each('fe', { i: arr([]) })],
    ops: [['start']],
    expect: { status: 'SUCCEEDED' },
  },
  {
    name: 'foreach: loop_params from an expression',
    steps: [
      each('fe', { d: { expression: 'Util.dateIntsBetween(20200101, 20200103, 1)', type: 'LONG_ARRAY' } }),
    ],
    ops: [['start'], ['childFinished', 'fe', 0], ['childFinished', 'fe', 1]],
    expect: { status: 'SUCCEEDED' },
  },
  {
    name: 'foreach: a loop param that is not an array fails the step',
    steps: [each('fe', { i: { expression: '5', type: 'LONG_ARRAY' } })],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { fe: 'INTERNALLY_FAILED' } },
  },
  {
    name: 'stop instance stops running children',
    steps: [sub('sw')],
    ops: [['start'], ['stop']],
    expect: { status: 'STOPPED', steps: { sw: 'STOPPED' } },
  },
];

describe('decide: child instances (subworkflow, foreach)', () => {
  for (const c of cases) test(c.name, () => assert.deepEqual(check(play(c), c.expect), []));

  test('startChild actions: keys, params, lazy launching', () => {
    const r = play({
      steps: [each('fe', { i: arr([10, 20]), j: arr(['a', 'b'], 'STRING_ARRAY') }, { concurrency: 3 })],
      workflow: { params: { top: { value: 'T', type: 'STRING' } } },
      ops: [['start']],
    });
    const starts = r.ofType('startChild');
    assert.deepEqual(
      starts.map((a) => a.childKey),
      ['wf:1:1:fe:0', 'wf:1:1:fe:1', 'wf:1:1:fe:2'],
    );
    assert.deepEqual(
      starts.map((a) => [a.params.i, a.params.j, a.params.loop_index, a.params.top]),
      [
        [10, 'a', 0, 'T'],
        [10, 'b', 1, 'T'],
        [20, 'a', 2, 'T'],
      ],
    );
    r.feed({
      type: 'childFinished',
      id: evId(),
      stepId: 'fe',
      iteration: 1,
      childKey: 'wf:1:1:fe:1',
      status: 'SUCCEEDED',
    });
    assert.deepEqual(
      r.lastActions.map((a) => (a as StartChildAction).childKey),
      ['wf:1:1:fe:3'],
    );
    const c = r.step('fe').child!;
    assert.deepEqual([c.next, c.running, c.succeeded], [4, [0, 2, 3], 1]);
  });
  test('subworkflow passes parent params unless explicit_params', () => {
    const wf = { params: { top: { value: 'T', type: 'STRING' } } };
    const implicit = play({
      steps: [sub('sw', { params: { mine: { value: 1, type: 'LONG' } } })],
      workflow: wf,
      ops: [['start']],
    }).ofType('startChild')[0]!;
    const explicit = play({
      steps: [sub('sw', { explicit_params: true, params: { mine: { value: 1, type: 'LONG' } } })],
      workflow: wf,
      ops: [['start']],
    }).ofType('startChild')[0]!;
    assert.deepEqual(implicit.params, { RUN_TS: T0, top: 'T', mine: 1 });
    assert.deepEqual(explicit.params, { mine: 1 });
    assert.deepEqual(implicit.run, { kind: 'subworkflow', workflowId: 'child.wf', version: 'default' });
  });
  test('subworkflow nesting depth limit reports recursion', () => {
    const r = new Run({ workflow: workflow([sub('sw')]), ancestors: ['child.wf'] }, { depth: 10 });
    r.start();
    assert.equal(r.status('sw'), 'INTERNALLY_FAILED');
    assert.match(
      r.step('sw').message ?? '',
      /nesting depth 11 exceeds the limit of 10 \(recursion: child\.wf → wf → child\.wf\)/,
    );
  });
  test('child instance notifies its parent when it ends', () => {
    const ctx = { workflow: workflow([s('x', 'NoOp')]) };
    const snap = newInstanceSnapshot(
      ctx,
      {
        workflowId: 'wf',
        instanceId: 7,
        key: 'p:1:1:fe:4',
        parent: { key: 'p:1:1', workflowId: 'p', stepId: 'fe', iteration: 4 },
        depth: 1,
      },
      T0,
    );
    const out = decide(snap, [{ type: 'start', id: 'e1', runParams: { loop_index: { value: 4 } } }], T0, ctx);
    const n = out.actions.find((a) => a.type === 'notifyParent');
    assert.deepEqual(n, {
      type: 'notifyParent',
      key: 'p:1:1:fe:4:finished',
      parentKey: 'p:1:1',
      childKey: 'p:1:1:fe:4',
      stepId: 'fe',
      iteration: 4,
      status: 'SUCCEEDED',
      outputs: {},
      // Its leaf steps by status, for the parent's roll-up.
      leafCounts: { SUCCEEDED: 1 },
    });
    assert.equal(out.snapshot.params.loop_index, 4);
  });
  test('foreach parent stays O(concurrency) for 100,000 iterations', () => {
    const r = play({
      steps: [
        each(
          'fe',
          {
            i: { expression: 'int[] a = new int[25000]; return a;', type: 'LONG_ARRAY' },
            j: arr([1, 2, 3, 4]),
          },
          { concurrency: 10 },
        ),
      ],
      ops: [['start']],
    });
    for (let k = 0; k < 200; k++) {
      const it = r.step('fe').child!.running[0]!;
      r.feed({
        type: 'childFinished',
        id: evId(),
        stepId: 'fe',
        iteration: it,
        childKey: `wf:1:1:fe:${it}`,
        status: 'SUCCEEDED',
      });
    }
    const c = r.step('fe').child!;
    assert.deepEqual([c.total, c.next, c.running.length, c.succeeded], [100_000, 210, 10, 200]);
  });
});

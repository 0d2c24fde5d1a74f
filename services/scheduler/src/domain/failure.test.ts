import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type Case, check, play, s } from '../../test/test-kit';

const SH = 'Shell';
const NO_RETRY = { retry_policy: { error_retry_limit: 0, platform_retry_limit: 0 } };
const fm = (mode: string) => ({ ...NO_RETRY, failure_mode: mode });

/** Failure modes and final status rules. */
const cases: Case[] = [
  {
    name: 'FAIL_AFTER_RUNNING (default): the running sibling finishes, then FAILED',
    steps: [s('a', SH, undefined, NO_RETRY), s('b', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'IN_PROGRESS', inFlight: ['b'], steps: { a: 'USER_FAILED' } },
  },
  {
    name: 'FAIL_AFTER_RUNNING: ends FAILED after the sibling succeeds',
    steps: [s('a', SH, undefined, NO_RETRY), s('b', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['ok', 'b']],
    expect: { status: 'FAILED', steps: { b: 'SUCCEEDED' }, message: /step a USER_FAILED/ },
  },
  {
    name: 'FAIL_AFTER_RUNNING: the failed step’s downstream never starts',
    steps: [s('a', SH, { b: 'true' }, NO_RETRY), s('b', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'FAILED', steps: { b: 'NOT_CREATED' } },
  },
  {
    name: 'FAIL_AFTER_RUNNING: nothing new starts in an independent branch either',
    steps: [s('a', SH, undefined, NO_RETRY), s('x', SH, { y: 'true' }), s('y', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['ok', 'x']],
    expect: { status: 'FAILED', steps: { x: 'SUCCEEDED', y: 'STOPPED' } },
  },
  {
    name: 'FAIL_IMMEDIATELY: running siblings are cancelled, instance FAILED at once',
    steps: [s('a', SH, undefined, fm('FAIL_IMMEDIATELY')), s('b', SH), s('c', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'FAILED', steps: { a: 'USER_FAILED', b: 'STOPPED', c: 'STOPPED' }, wake: null },
  },
  {
    name: 'FAIL_IMMEDIATELY: a late report from a cancelled sibling changes nothing',
    steps: [s('a', SH, undefined, fm('FAIL_IMMEDIATELY')), s('b', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['report', 'b', 1, 'SUCCEEDED']],
    expect: { status: 'FAILED', steps: { b: 'STOPPED' } },
  },
  {
    name: 'IGNORE_FAILURE: COMPLETED_WITH_ERROR and the DAG continues',
    steps: [s('a', SH, { b: 'true' }, fm('IGNORE_FAILURE')), s('b', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'IN_PROGRESS', inFlight: ['b'], steps: { a: 'COMPLETED_WITH_ERROR' } },
  },
  {
    name: 'IGNORE_FAILURE: instance SUCCEEDED (COMPLETED_WITH_ERROR counts as success)',
    steps: [s('a', SH, { b: 'true' }, fm('IGNORE_FAILURE')), s('b', SH)],
    ops: [['start'], ['fail', 'a', 'FATALLY_FAILED'], ['ok', 'b']],
    expect: { status: 'SUCCEEDED', steps: { a: 'COMPLETED_WITH_ERROR' } },
  },
  {
    name: 'FATALLY_FAILED is never retried',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'FATALLY_FAILED', 'bad input']],
    expect: { status: 'FAILED', steps: { a: 'FATALLY_FAILED' }, dispatches: 1, message: /bad input/ },
  },
  {
    name: 'worker-reported STOPPED → step STOPPED, instance STOPPED',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'STOPPED']],
    expect: { status: 'STOPPED', steps: { a: 'STOPPED' } },
  },
  {
    name: 'failure beats a stopped step in the final status',
    steps: [s('a', SH, undefined, NO_RETRY), s('b', SH)],
    ops: [['start'], ['stopStep', 'b'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'FAILED' },
  },
  {
    name: 'UNSATISFIED and SKIPPED steps count as success',
    steps: [s('a', 'NoOp', { b: 'false' }), s('b', SH), s('c', SH)],
    ops: [['start'], ['skipStep', 'c']],
    expect: { status: 'SUCCEEDED', steps: { b: 'UNSATISFIED', c: 'SKIPPED' } },
  },
  {
    name: 'a param that does not evaluate → INTERNALLY_FAILED step',
    steps: [s('a', SH, undefined, { params: { x: { expression: 'missing + 1', type: 'LONG' } } })],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { a: 'INTERNALLY_FAILED' }, dispatches: 0, message: /param 'x'/ },
  },
  {
    name: 'INTERNALLY_FAILED with IGNORE_FAILURE continues',
    steps: [
      s(
        'a',
        SH,
        { b: 'true' },
        { failure_mode: 'IGNORE_FAILURE', params: { x: { expression: 'missing + 1', type: 'LONG' } } },
      ),
      s('b', 'NoOp'),
    ],
    ops: [['start']],
    expect: { status: 'SUCCEEDED', steps: { a: 'COMPLETED_WITH_ERROR', b: 'SUCCEEDED' } },
  },
  {
    name: 'template steps are rejected clearly (not hung)',
    steps: [{ template: { id: 'w', sub_type: 'tpl' } }],
    ops: [['start']],
    expect: {
      status: 'FAILED',
      steps: { w: 'INTERNALLY_FAILED' },
      message: /template steps are not supported yet/,
    },
  },
  {
    name: 'a failure in one of two components still lets the other’s running step finish',
    steps: [s('a', SH, { b: 'true' }, NO_RETRY), s('b', SH), s('x', SH)],
    ops: [['start'], ['fail', 'a', 'PLATFORM_FAILED'], ['ok', 'x']],
    expect: { status: 'FAILED', steps: { a: 'PLATFORM_FAILED', b: 'NOT_CREATED', x: 'SUCCEEDED' } },
  },
];

describe('decide: failure modes and final status', () => {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(check(play(c), c.expect), []));
  }
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { decide } from './decide';
import { restartSnapshot } from './restart';
import { type Case, Run, T0, check, evId, play, s } from '../../test/test-kit';

const SH = 'Shell';
const NO_RETRY = { retry_policy: { error_retry_limit: 0 } };
const wide = (n: number, type = SH) => Array.from({ length: n }, (_, k) => s(`w${k}`, type));

/** step_concurrency, instance and step actions. */
const cases: Case[] = [
  {
    name: 'step_concurrency 2 bounds dispatched steps',
    steps: wide(5),
    ctx: { stepConcurrency: 2 },
    ops: [['start']],
    expect: { inFlight: ['w0', 'w1'], steps: { w2: 'WAITING_FOR_PERMITS', w4: 'WAITING_FOR_PERMITS' } },
  },
  {
    name: 'a finished step frees a permit (FIFO)',
    steps: wide(5),
    ctx: { stepConcurrency: 2 },
    ops: [['start'], ['ok', 'w1']],
    expect: { inFlight: ['w0', 'w2'] },
  },
  {
    name: 'step_concurrency run to completion',
    steps: wide(7),
    ctx: { stepConcurrency: 3 },
    ops: [['start'], ['drain']],
    expect: { status: 'SUCCEEDED', dispatches: 7 },
  },
  {
    name: 'instance_step_concurrency from the definition',
    steps: wide(4),
    workflow: { instance_step_concurrency: 1 },
    ops: [['start']],
    expect: { inFlight: ['w0'] },
  },
  {
    name: 'NoOp and Sleep take no permit',
    steps: [
      ...wide(2),
      s('n', 'NoOp'),
      s('z', 'Sleep', undefined, { params: { sleep_seconds: { value: 5, type: 'LONG' } } }),
    ],
    ctx: { stepConcurrency: 1 },
    ops: [['start']],
    expect: { inFlight: ['w0'], steps: { n: 'SUCCEEDED', z: 'RUNNING', w1: 'WAITING_FOR_PERMITS' } },
  },
  {
    name: 'a retry backing off frees its permit',
    steps: [s('a', SH), s('b', SH)],
    ctx: { stepConcurrency: 1 },
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { inFlight: ['b'], steps: { a: 'INITIALIZED' } },
  },
  {
    name: 'stop instance: STOPPED, attempts cancelled',
    steps: wide(2),
    ops: [['start'], ['stop']],
    expect: { status: 'STOPPED', steps: { w0: 'STOPPED', w1: 'STOPPED' }, wake: null },
  },
  {
    name: 'kill instance: FAILED',
    steps: wide(2),
    ops: [['start'], ['kill']],
    expect: { status: 'FAILED', steps: { w0: 'STOPPED' } },
  },
  {
    name: 'stop before start: STOPPED without running anything',
    steps: wide(2),
    ops: [['stop']],
    expect: { status: 'STOPPED', dispatches: 0 },
  },
  {
    name: 'start after stop is ignored',
    steps: wide(2),
    ops: [['stop'], ['start']],
    expect: { status: 'STOPPED', dispatches: 0 },
  },
  {
    name: 'stop twice: the second is a no-op',
    steps: wide(1),
    ops: [['start'], ['stop'], ['again']],
    expect: { status: 'STOPPED' },
  },
  {
    name: 'kill after stop keeps STOPPED',
    steps: wide(1),
    ops: [['start'], ['stop'], ['kill']],
    expect: { status: 'STOPPED' },
  },
  {
    name: 'pause: running steps finish, nothing new starts',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['pause'], ['ok', 'a']],
    expect: { status: 'PAUSED', steps: { a: 'SUCCEEDED', b: 'CREATED' }, inFlight: [] },
  },
  {
    name: 'resume: queued steps start',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['pause'], ['ok', 'a'], ['resume']],
    expect: { status: 'IN_PROGRESS', inFlight: ['b'] },
  },
  {
    name: 'stop step: STOPPED, downstream blocked, instance STOPPED',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['stopStep', 'a']],
    expect: { status: 'STOPPED', steps: { a: 'STOPPED', b: 'NOT_CREATED' } },
  },
  {
    name: 'stop step: siblings finish first',
    steps: [s('a', SH), s('x', SH)],
    ops: [['start'], ['stopStep', 'a']],
    expect: { status: 'IN_PROGRESS', inFlight: ['x'] },
  },
  {
    name: 'stop step on a finished step is ignored',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['ok', 'a'], ['stopStep', 'a']],
    expect: { inFlight: ['b'], steps: { a: 'SUCCEEDED' } },
  },
  {
    name: 'skip a running step: SKIPPED, downstream continues',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['skipStep', 'a']],
    expect: { steps: { a: 'SKIPPED' }, inFlight: ['b'] },
  },
  {
    name: 'skip: the skipped attempt’s late report is ignored',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['skipStep', 'a'], ['report', 'a', 1, 'USER_FAILED']],
    expect: { steps: { a: 'SKIPPED' }, inFlight: ['b'] },
  },
  {
    name: 'skip a failed step unblocks the run (FAIL_AFTER_RUNNING)',
    steps: [s('a', SH, { b: 'true' }, NO_RETRY), s('b', SH), s('x', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['skipStep', 'a']],
    expect: { status: 'IN_PROGRESS', steps: { a: 'SKIPPED' }, inFlight: ['b', 'x'] },
  },
  {
    name: 'skip a step in retry backoff',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['skipStep', 'a']],
    expect: { steps: { a: 'SKIPPED' }, inFlight: ['b'] },
  },
  {
    name: 'skip a not-yet-created step is ignored',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['skipStep', 'b']],
    expect: { steps: { b: 'NOT_CREATED' } },
  },
  {
    name: 'restart from a failed step in a live run',
    steps: [s('a', SH, { b: 'true' }, NO_RETRY), s('b', SH), s('x', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['restartFrom', 'a']],
    expect: { status: 'IN_PROGRESS', inFlight: ['a', 'x'], dispatches: 3 },
  },
  {
    name: 'restart from a step resets its downstream',
    steps: [s('a', SH, { b: 'true' }), s('b', SH, { c: 'true' }), s('c', SH)],
    ops: [['start'], ['ok', 'a'], ['ok', 'b'], ['restartFrom', 'a']],
    expect: { inFlight: ['a'], steps: { b: 'NOT_CREATED', c: 'NOT_CREATED' } },
  },
  {
    name: 'restart from a running step cancels and re-dispatches it',
    steps: [s('a', SH)],
    ops: [['start'], ['restartFrom', 'a'], ['report', 'a', 1, 'SUCCEEDED']],
    expect: { status: 'IN_PROGRESS', inFlight: ['a'], dispatches: 2 },
  },
  {
    name: 'restart from step: new attempt number and key',
    steps: [s('a', SH)],
    ops: [['start'], ['restartFrom', 'a'], ['ok', 'a']],
    expect: { status: 'SUCCEEDED', dispatches: 2 },
  },
  {
    name: 'restart from an UNSATISFIED step forces it to run',
    steps: [s('a', 'NoOp', { b: 'false' }), s('b', SH), s('x', SH)],
    ops: [['start'], ['restartFrom', 'b']],
    expect: { inFlight: ['b', 'x'] },
  },
];

describe('decide: step concurrency and actions', () => {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(check(play(c), c.expect), []));
  }
  test('cancelAttempt actions carry the attempt key', () => {
    const r = play({ steps: wide(2), ops: [['start'], ['stop']] });
    assert.deepEqual(
      r.ofType('cancelAttempt').map((a) => a.key),
      ['wf:1:1:w0:1:cancel', 'wf:1:1:w1:1:cancel'],
    );
    assert.deepEqual(
      r.ofType('instanceEnded').map((a) => a.status),
      ['STOPPED'],
    );
  });
  test('restart from step: attempt keys never repeat', () => {
    const r = play({ steps: [s('a', SH)], ops: [['start'], ['restartFrom', 'a'], ['ok', 'a']] });
    assert.deepEqual(
      r.dispatches().map((d) => d.attemptKey),
      ['wf:1:1:a:1', 'wf:1:1:a:2'],
    );
  });
});

describe('restartSnapshot', () => {
  const steps = [s('a', SH, { b: 'true' }), s('b', SH, { c: 'true' }, NO_RETRY), s('c', SH), s('x', SH)];
  const failedRun = () =>
    play({ steps, ops: [['start'], ['ok', 'a', { v: 1 }], ['ok', 'x'], ['fail', 'b', 'USER_FAILED']] });
  const restart = (r: Run, opts: Parameters<typeof restartSnapshot>[2]) => {
    const next = restartSnapshot(r.snap, r.ctx, opts, T0 + 1000);
    const out = decide(next, [{ type: 'start', id: evId() }], T0 + 1000, r.ctx);
    return out;
  };
  test('the failed run is FAILED', () => assert.equal(failedRun().snap.status, 'FAILED'));
  test('FROM_INCOMPLETE keeps succeeded steps and their outputs', () => {
    const out = restart(failedRun(), { mode: 'RESTART_FROM_INCOMPLETE' });
    const st = Object.fromEntries(out.snapshot.steps.map((x) => [x.id, x.status]));
    assert.deepEqual(st, { a: 'SUCCEEDED', b: 'STARTING', c: 'NOT_CREATED', x: 'SUCCEEDED' });
    assert.deepEqual(out.snapshot.steps[0]!.outputs, { v: 1 });
    assert.deepEqual(
      out.actions.filter((a) => a.type === 'dispatchAttempt').map((a) => a.key),
      ['wf:1:2:b:1'],
    );
  });
  test('FROM_BEGINNING reruns everything', () => {
    const out = restart(failedRun(), { mode: 'RESTART_FROM_BEGINNING' });
    assert.deepEqual(
      out.actions.filter((a) => a.type === 'dispatchAttempt').map((a) => a.key),
      ['wf:1:2:a:1', 'wf:1:2:x:1'],
    );
  });
  test('the new run has run id 2, seq restarts, same instance', () => {
    const out = restart(failedRun(), {});
    assert.deepEqual(
      [out.snapshot.runId, out.snapshot.key, out.snapshot.seq, out.snapshot.status],
      [2, 'wf:1:2', 1, 'IN_PROGRESS'],
    );
  });
  test('restart params layer over run params', () => {
    const r = play({
      steps,
      workflow: { params: { k: { value: 1, type: 'LONG', mode: 'MUTABLE' } } },
      ops: [['start', { k: { value: 2 } }], ['kill']],
    });
    const out = restart(r, { restartParams: { k: { value: 3 } } });
    assert.equal(out.snapshot.params.k, 3);
    assert.deepEqual(out.snapshot.runParams, { k: { value: 2 } });
  });
  test('from a specific step: only it and its downstream rerun', () => {
    const r = play({ steps, ops: [['start'], ['drain']] });
    assert.equal(r.snap.status, 'SUCCEEDED');
    const out = restart(r, { fromStepId: 'b' });
    const st = Object.fromEntries(out.snapshot.steps.map((x) => [x.id, x.status]));
    assert.deepEqual(st, { a: 'SUCCEEDED', b: 'STARTING', c: 'NOT_CREATED', x: 'SUCCEEDED' });
  });
  test('a restarted run completes', () => {
    const r = failedRun();
    const next = restartSnapshot(r.snap, r.ctx, {}, T0 + 1000);
    const r2 = new Run(r.ctx);
    r2.snap = next;
    r2.start().drain();
    assert.equal(r2.snap.status, 'SUCCEEDED');
  });
  test('a live run cannot be restarted', () => {
    const r = play({ steps, ops: [['start']] });
    assert.throws(() => restartSnapshot(r.snap, r.ctx, {}, T0), /only an ended run/);
  });
  test('COMPLETED_WITH_ERROR and what followed it rerun from incomplete', () => {
    const st = [s('a', SH, { b: 'true' }, { failure_mode: 'IGNORE_FAILURE', ...NO_RETRY }), s('b', SH)];
    const r = play({ steps: st, ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['ok', 'b']] });
    assert.equal(r.snap.status, 'SUCCEEDED');
    const out = restart(r, {});
    assert.deepEqual(
      out.snapshot.steps.map((x) => x.status),
      ['STARTING', 'NOT_CREATED'],
    );
  });
});

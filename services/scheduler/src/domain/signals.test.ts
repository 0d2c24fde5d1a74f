import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { Run, e, evId, p, s } from '../../test/test-kit';

const dep = (name: string, match: Record<string, unknown> = {}) => ({ name, match_params: match });

describe('signal dependencies (decide as plain data)', () => {
  test('a step waits in WAITING_FOR_SIGNALS, holds no permit, and starts when every dependency matched', () => {
    const r = Run.of(
      [
        s(
          'load',
          'Shell',
          { after: 'true' },
          {
            signal_dependencies: [
              dep('t/${table}', { date: { param: e('day', 'LONG'), operator: '>=' } }),
              dep('other'),
            ],
            params: { rows: e("params.getFromSignalDependency('0', 'rows')", 'LONG') },
          },
        ),
        s('after'),
      ],
      { params: { day: p(20240101, 'LONG'), table: p('orders') } },
    ).start();
    assert.equal(r.status('load'), 'WAITING_FOR_SIGNALS');
    const [wait] = r.ofType('waitSignals');
    assert.equal(wait!.waitKey, 'wf:1:1:load:w1');
    assert.deepEqual(wait!.deps, [
      {
        name: 't/orders',
        match: [{ param: 'date', operator: '>=', value: { type: 'LONG', value: '20240101' } }],
      },
      { name: 'other', match: [] },
    ]);
    assert.equal(r.dispatches().length, 0);
    const matched = (index: number, name: string, params = {}) =>
      r.feed({
        type: 'signalMatched',
        id: evId(),
        stepId: 'load',
        waitKey: wait!.waitKey,
        index,
        signal: { name, seq: 3, params },
      });
    matched(0, 't/orders', { rows: { type: 'LONG', value: '42' } });
    assert.equal(r.status('load'), 'WAITING_FOR_SIGNALS', 'one of two');
    // A stale report (another wait key) and a repeat change nothing.
    r.feed({
      type: 'signalMatched',
      id: evId(),
      stepId: 'load',
      waitKey: 'wf:1:1:load:w9',
      index: 1,
      signal: { name: 'other', seq: 1, params: {} },
    });
    assert.equal(r.status('load'), 'WAITING_FOR_SIGNALS');
    matched(1, 'other');
    assert.equal(r.status('load'), 'STARTING');
    assert.equal(r.dispatches()[0]!.params.rows, 42);
    r.drain();
    assert.equal(r.snap.status, 'SUCCEEDED');
    assert.equal(r.ofType('waitSignals').length, 1, 'a wait is registered once');
  });

  test('bypass lets the step go on and drops the wait; stop drops the wait too', () => {
    const r = Run.of([s('a', 'NoOp', undefined, { signal_dependencies: [dep('never')] })]).start();
    r.feed({ type: 'bypassSignals', id: evId(), stepId: 'a', reason: 'checked by hand' });
    assert.equal(r.snap.status, 'SUCCEEDED');
    assert.equal(r.step('a').signals?.bypassed, true);
    assert.equal(r.ofType('cancelWait').length, 1);
    const r2 = Run.of([s('a', 'NoOp', undefined, { signal_dependencies: [dep('never')] })]).start();
    r2.feed({ type: 'stop', id: evId() });
    assert.equal(r2.snap.status, 'STOPPED');
    assert.deepEqual(
      r2.ofType('cancelWait').map((a) => a.waitKey),
      ['wf:1:1:a:w1'],
    );
  });

  test('a dependency whose match param does not evaluate fails the step', () => {
    const r = Run.of([
      s('a', 'NoOp', undefined, {
        signal_dependencies: [dep('x', { k: { param: e('nope + 1', 'LONG'), operator: '=' } })],
      }),
    ]).start();
    assert.equal(r.status('a'), 'INTERNALLY_FAILED');
    assert.match(r.step('a').message ?? '', /signal dependencies/);
  });

  test('restart from a waiting step waits again under a new wait key', () => {
    const r = Run.of([s('a', 'NoOp', undefined, { signal_dependencies: [dep('x')] })]).start();
    r.feed({ type: 'restartFromStep', id: evId(), stepId: 'a' });
    assert.deepEqual(
      r.ofType('waitSignals').map((a) => a.waitKey),
      ['wf:1:1:a:w1', 'wf:1:1:a:w2'],
    );
  });
});

describe('signal outputs (decide as plain data)', () => {
  test('on success: outputs evaluated in the step scope (its own outputs too), plus baton_signals; request ids from the attempt', () => {
    const r = Run.of(
      [
        s('make', 'Shell', undefined, {
          params: { day: p(20240101, 'LONG') },
          signal_outputs: [
            {
              name: 'landed/${region}',
              params: { rows: e('rows', 'LONG'), day: e('day', 'LONG') },
              payload: { note: p('from make') },
            },
          ],
        }),
      ],
      { params: { region: p('eu') } },
    ).start();
    r.finish('make', 'SUCCEEDED', {
      rows: 5,
      baton_signals: { signals: [{ name: 'extra', params: { k: 'v', n: 3 } }] },
    });
    assert.equal(r.snap.status, 'SUCCEEDED');
    const [pub] = r.ofType('publishSignals');
    assert.deepEqual(pub!.signals, [
      {
        name: 'landed/eu',
        params: { rows: { type: 'LONG', value: '5' }, day: { type: 'LONG', value: '20240101' } },
        payload: { note: 'from make' },
        requestId: 'wf:1:1:make:1:signal:0',
      },
      {
        name: 'extra',
        params: { k: { type: 'STRING', value: 'v' }, n: { type: 'LONG', value: '3' } },
        payload: {},
        requestId: 'wf:1:1:make:1:signal:1',
      },
    ]);
    assert.equal(r.step('make').outputs?.baton_signals, undefined, 'not an output param');
    // The seqs arrive after the run ended: still recorded.
    r.feed({
      type: 'signalsPublished',
      id: evId(),
      stepId: 'make',
      attemptKey: pub!.attemptKey,
      signals: [{ name: 'landed/eu', seq: 7, params: {} }],
    });
    assert.deepEqual(
      r.step('make').published?.map((x) => x.seq),
      [7],
    );
  });

  test('a bad baton_signals fails the step; an output that does not evaluate too; failures publish nothing', () => {
    const bad = Run.of([s('a', 'Shell')]).start();
    bad.finish('a', 'SUCCEEDED', { baton_signals: { signals: [{ params: {} }] } });
    assert.equal(bad.status('a'), 'USER_FAILED');
    const noEval = Run.of([
      s('a', 'NoOp', undefined, { signal_outputs: [{ name: 'x', params: { n: e('missing', 'LONG') } }] }),
    ]).start();
    assert.equal(noEval.status('a'), 'INTERNALLY_FAILED');
    const failed = Run.of([
      s('a', 'Shell', undefined, { signal_outputs: [{ name: 'x' }], retry_policy: { error_retry_limit: 0 } }),
    ]).start();
    failed.finish('a', 'USER_FAILED');
    assert.equal(failed.ofType('publishSignals').length, 0);
  });
});

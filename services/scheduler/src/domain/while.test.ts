import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { decide } from './decide';
import { newInstanceSnapshot } from './new-snapshot';
import { type Case, T0, check, e, p, play, s, workflow } from '../../test/test-kit';
import { Tree } from '../../test/tree-kit';

const body = (extra: Record<string, unknown> = {}) => s('body', 'NoOp', undefined, extra);
const loop = (
  condition: string,
  loopParams?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  while: {
    id: 'w',
    condition,
    ...(loopParams ? { params: { loop_params: { type: 'MAP', value: loopParams } } } : {}),
    steps: [body({ params: { i: e('i + 1', 'LONG') } })],
    ...extra,
  },
});
const I0 = { i: p(0, 'LONG') };

const cases: Case[] = [
  {
    name: 'condition false at first: 0 iterations, SUCCEEDED with the loop params as outputs',
    steps: [loop('i < 0', I0)],
    ops: [['start']],
    expect: {
      status: 'SUCCEEDED',
      steps: { w: 'SUCCEEDED' },
      outputs: { w: { iterations: 0, i: 0 } },
      childStarts: 0,
    },
  },
  {
    name: 'n iterations with a counter updated by each iteration',
    steps: [loop('i < 3', I0)],
    ops: [
      ['start'],
      ['iteration', 'w', 'SUCCEEDED', { i: 1 }],
      ['iteration', 'w', 'SUCCEEDED', { i: 2 }],
      ['iteration', 'w', 'SUCCEEDED', { i: 3 }],
    ],
    expect: { status: 'SUCCEEDED', outputs: { w: { iterations: 3, i: 3 } }, childStarts: 3 },
  },
  {
    name: 'iterations run one after another',
    steps: [loop('i < 3', I0)],
    ops: [['start'], ['iteration', 'w', 'SUCCEEDED', { i: 1 }]],
    expect: { status: 'IN_PROGRESS', steps: { w: 'RUNNING' }, childStarts: 2 },
  },
  {
    name: 'a reported param that is not a loop param is ignored',
    steps: [loop('i < 1', I0, { steps: [body()] })],
    ops: [['start'], ['iteration', 'w', 'SUCCEEDED', { other: 5 }]],
    expect: { status: 'IN_PROGRESS', childStarts: 2 },
  },
  {
    name: 'condition that is not a boolean → INTERNALLY_FAILED',
    steps: [loop('i + 1', I0)],
    ops: [['start']],
    expect: {
      status: 'FAILED',
      steps: { w: 'INTERNALLY_FAILED' },
      message: /while condition is not a boolean: 1/,
    },
  },
  {
    name: 'condition that fails → INTERNALLY_FAILED',
    steps: [loop('nope > 1', I0)],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { w: 'INTERNALLY_FAILED' }, message: /while condition failed/ },
  },
  {
    name: 'a non-boolean condition after some iterations fails the step then',
    steps: [loop('i < 1 || i == 1 ? true : "x"', I0)],
    ops: [['start'], ['iteration', 'w', 'SUCCEEDED', { i: 1 }], ['iteration', 'w', 'SUCCEEDED', { i: 2 }]],
    expect: {
      status: 'FAILED',
      steps: { w: 'INTERNALLY_FAILED' },
      message: /not a boolean: "x"/,
      childStarts: 2,
    },
  },
  {
    name: 'iteration limit ends the loop USER_FAILED',
    steps: [loop('true', I0)],
    ctx: { config: { maxWhileIterations: 2 } },
    ops: [['start'], ['iteration', 'w'], ['iteration', 'w']],
    expect: {
      status: 'FAILED',
      steps: { w: 'USER_FAILED' },
      message: /while loop exceeded 2 iterations/,
      childStarts: 2,
    },
  },
  {
    name: 'exactly the limit of iterations succeeds',
    steps: [loop('i < 2', I0)],
    ctx: { config: { maxWhileIterations: 2 } },
    ops: [['start'], ['iteration', 'w', 'SUCCEEDED', { i: 1 }], ['iteration', 'w', 'SUCCEEDED', { i: 2 }]],
    expect: { status: 'SUCCEEDED', outputs: { w: { iterations: 2, i: 2 } } },
  },
  {
    name: 'a failed iteration fails the step (FAIL_AFTER_RUNNING)',
    steps: [loop('true', I0, { transition: { successors: { after: 'true' } } }), s('after')],
    ops: [['start'], ['iteration', 'w', 'FAILED']],
    expect: {
      status: 'FAILED',
      steps: { w: 'USER_FAILED', after: 'NOT_CREATED' },
      message: /iteration 0 ended FAILED/,
    },
  },
  {
    name: 'a failed iteration with IGNORE_FAILURE: COMPLETED_WITH_ERROR, downstream runs',
    steps: [
      loop('true', I0, { failure_mode: 'IGNORE_FAILURE', transition: { successors: { after: 'true' } } }),
      s('after'),
    ],
    ops: [['start'], ['iteration', 'w'], ['iteration', 'w', 'FAILED']],
    expect: { status: 'SUCCEEDED', steps: { w: 'COMPLETED_WITH_ERROR', after: 'SUCCEEDED' } },
  },
  {
    name: 'a timed-out iteration fails the step',
    steps: [loop('true', I0)],
    ops: [['start'], ['iteration', 'w', 'TIMED_OUT']],
    expect: { status: 'FAILED', steps: { w: 'USER_FAILED' } },
  },
  {
    name: 'an iteration STOPPED → step STOPPED',
    steps: [loop('true', I0)],
    ops: [['start'], ['iteration', 'w', 'STOPPED']],
    expect: { status: 'STOPPED', steps: { w: 'STOPPED' } },
  },
  {
    name: 'stop during an iteration stops the step and the iteration',
    steps: [loop('true', I0)],
    ops: [['start'], ['stop']],
    expect: { status: 'STOPPED', steps: { w: 'STOPPED' } },
  },
  {
    name: 'stopStep during an iteration',
    steps: [loop('true', I0)],
    ops: [['start'], ['stopStep', 'w']],
    expect: { status: 'STOPPED', steps: { w: 'STOPPED' } },
  },
  {
    name: 'a late report of the stopped iteration is ignored',
    steps: [loop('true', I0), s('x', 'Shell')],
    ops: [['start'], ['stopStep', 'w'], ['childFinished', 'w', 0, 'SUCCEEDED']],
    expect: { status: 'IN_PROGRESS', steps: { w: 'STOPPED' }, childStarts: 1 },
  },
  {
    name: 'a repeated report is ignored (no extra iteration)',
    steps: [loop('i < 5', I0)],
    ops: [['start'], ['childFinished', 'w', 0, 'SUCCEEDED'], ['again']],
    expect: { status: 'IN_PROGRESS', childStarts: 2 },
  },
  {
    name: 'paused between iterations: no new iteration until resume',
    steps: [loop('i < 5', I0)],
    ops: [['start'], ['pause'], ['iteration', 'w', 'SUCCEEDED', { i: 1 }]],
    expect: { status: 'PAUSED', steps: { w: 'RUNNING' }, childStarts: 1 },
  },
  {
    name: 'resume starts the next iteration',
    steps: [loop('i < 5', I0)],
    ops: [['start'], ['pause'], ['iteration', 'w', 'SUCCEEDED', { i: 1 }], ['resume']],
    expect: { status: 'IN_PROGRESS', childStarts: 2 },
  },
  {
    name: 'resume when the condition turned false ends the loop',
    steps: [loop('i < 1', I0)],
    ops: [['start'], ['pause'], ['iteration', 'w', 'SUCCEEDED', { i: 1 }], ['resume']],
    expect: { status: 'SUCCEEDED', outputs: { w: { iterations: 1, i: 1 } } },
  },
  {
    name: 'another step failing stops the loop at the end of the iteration',
    steps: [loop('true', I0), s('x', 'Shell', undefined, { retry_policy: { error_retry_limit: 0 } })],
    ops: [['start'], ['fail', 'x', 'USER_FAILED'], ['iteration', 'w']],
    expect: { status: 'FAILED', steps: { w: 'STOPPED', x: 'USER_FAILED' }, childStarts: 1 },
  },
  {
    name: 'the condition sees the step’s params and the instance’s',
    steps: [
      loop('i < step_max && i < wf_max', I0, {
        params: { loop_params: { type: 'MAP', value: I0 }, step_max: p(5, 'LONG') },
      }),
    ],
    workflow: { params: { wf_max: p(1, 'LONG') } },
    ops: [['start'], ['iteration', 'w', 'SUCCEEDED', { i: 1 }]],
    expect: { status: 'SUCCEEDED', outputs: { w: { iterations: 1, i: 1 } } },
  },
  {
    name: 'loop params from an expression, evaluated once',
    steps: [loop('n < 2', { n: e('wf_start * 2', 'LONG') })],
    workflow: { params: { wf_start: p(0, 'LONG') } },
    ops: [['start'], ['iteration', 'w', 'SUCCEEDED', { n: 2 }]],
    expect: { status: 'SUCCEEDED', outputs: { w: { iterations: 1, n: 2 } } },
  },
  {
    name: 'a loop param that fails to evaluate fails the step',
    steps: [loop('true', { n: e('1 / 0', 'LONG') })],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { w: 'INTERNALLY_FAILED' }, message: /loop_params/ },
  },
  {
    name: 'a while without loop params runs while the condition holds',
    steps: [loop('go', undefined, { steps: [body()] })],
    workflow: { params: { go: p(false, 'BOOLEAN') } },
    ops: [['start']],
    expect: { status: 'SUCCEEDED', outputs: { w: { iterations: 0 } } },
  },
];

describe('decide: while', () => {
  for (const c of cases) test(c.name, () => assert.deepEqual(check(play(c), c.expect), []));

  test('iterations get the parent params, the loop params and loop_index; stop reaches the iteration', () => {
    const r = play({
      steps: [loop('i < 9', I0, { params: { loop_params: { type: 'MAP', value: I0 }, mine: p('m') } })],
      workflow: { params: { top: p('T') } },
      ops: [['start'], ['iteration', 'w', 'SUCCEEDED', { i: 4 }], ['stop']],
    });
    const starts = r.ofType('startChild');
    assert.deepEqual(
      starts.map((a) => [a.childKey, a.params]),
      [
        ['wf:1:1:w:0', { RUN_TS: T0, top: 'T', mine: 'm', i: 0, loop_index: 0 }],
        ['wf:1:1:w:1', { RUN_TS: T0, top: 'T', mine: 'm', i: 4, loop_index: 1 }],
      ],
    );
    assert.deepEqual(starts[0]!.run, { kind: 'foreach', workflowId: 'wf', stepId: 'w' });
    assert.deepEqual(
      r.ofType('stopChild').map((a) => [a.childKey, a.kill]),
      [['wf:1:1:w:1', false]],
    );
  });

  test('parent state stays O(1): 1,000 iterations keep counters and the loop params only', () => {
    const r = play({ steps: [loop('i < 1000', I0)], ops: [['start']] });
    for (let k = 1; k <= 1000; k++) {
      const it = r.step('w').child!.running[0]!;
      r.feed({
        type: 'childFinished',
        id: `w${k}`,
        stepId: 'w',
        iteration: it,
        childKey: `wf:1:1:w:${it}`,
        status: 'SUCCEEDED',
        params: { i: k },
      });
    }
    assert.equal(r.snap.status, 'SUCCEEDED');
    const c = r.step('w').child!;
    assert.deepEqual([c.next, c.succeeded, c.running, c.loopState], [1000, 1000, [], { i: 1000 }]);
    assert.ok(JSON.stringify(r.snap).length < 2000);
  });
});

describe('while iterations report their params', () => {
  const nested = (steps: unknown[]) => {
    const wf = workflow([{ while: { id: 'w', condition: 'true', steps } }]);
    const inner = (wf.steps[0] as { steps: typeof wf.steps }).steps;
    return { workflow: wf, steps: inner };
  };
  const end = (
    steps: unknown[],
    runParams: Record<string, { value: unknown }>,
    finish?: (snap: ReturnType<typeof decide>) => ReturnType<typeof decide>,
  ) => {
    const ctx = nested(steps);
    const snap = newInstanceSnapshot(
      ctx,
      {
        workflowId: 'wf',
        instanceId: 1,
        key: 'wf:1:1:w:0',
        parent: { key: 'wf:1:1', workflowId: 'wf', stepId: 'w', iteration: 0 },
        depth: 1,
      },
      T0,
    );
    let out = decide(snap, [{ type: 'start', id: 'e1', runParams: runParams as never }], T0, ctx);
    if (finish) out = finish(out);
    return out.actions.find((a) => a.type === 'notifyParent');
  };
  const table: {
    name: string;
    steps: unknown[];
    run: Record<string, { value: unknown }>;
    expect: unknown;
  }[] = [
    {
      name: 'a step param `i = i + 1` reads the passed i and updates it',
      steps: [s('a', 'NoOp', undefined, { params: { i: e('i + 1', 'LONG') } })],
      run: { i: { value: 4 } },
      expect: { i: 5 },
    },
    {
      name: 'the step decided last wins',
      steps: [
        s('a', 'NoOp', { b: 'true' }, { params: { i: e('i + 1', 'LONG') } }),
        s('b', 'NoOp', undefined, { params: { i: e("params.getFromStep('a', 'i') * 10", 'LONG') } }),
      ],
      run: { i: { value: 1 } },
      expect: { i: 20 },
    },
    {
      name: 'names the parent did not pass are not reported',
      steps: [s('a', 'NoOp', undefined, { params: { j: p(3, 'LONG') } })],
      run: { i: { value: 1 } },
      expect: undefined,
    },
    {
      name: 'params not declared again are not reported',
      steps: [s('a', 'NoOp')],
      run: { i: { value: 1 } },
      expect: undefined,
    },
  ];
  for (const c of table) test(c.name, () => assert.deepEqual(end(c.steps, c.run)?.params, c.expect));

  test('an output wins over the step’s param', () => {
    const ctxSteps = [s('a', 'Shell', undefined, { params: { i: e('i + 1', 'LONG') } })];
    const n = end(ctxSteps, { i: { value: 1 } }, (out) =>
      decide(
        out.snapshot,
        [
          {
            type: 'attemptFinished',
            id: 'f',
            stepId: 'a',
            attempt: 1,
            status: 'SUCCEEDED',
            outputs: { i: 42 },
          },
        ],
        T0,
        nested(ctxSteps),
      ),
    );
    assert.deepEqual(n?.params, { i: 42 });
  });
});

describe('while through a whole tree (parent + iterations, shell contract)', () => {
  test('i = i + 1 in the body: 3 iterations, final loop params as outputs, downstream reads them', () => {
    const wf = workflow([
      loop('i < 3', I0, { transition: { successors: { after: 'true' } } }),
      s('after', 'NoOp', undefined, { params: { got: e("params.getFromStep('w', 'i')", 'LONG') } }),
    ]);
    const t = new Tree(wf);
    const top = t.start();
    const snap = t.snap(top);
    assert.equal(snap.status, 'SUCCEEDED', snap.message);
    assert.deepEqual(snap.steps[0]!.outputs, { iterations: 3, i: 3 });
    assert.equal(snap.steps[1]!.params!.got, 3);
    assert.equal(t.created, 3);
  });
  test('stop reaches the running iteration', () => {
    const wf = workflow([loop('true', I0, { steps: [s('body', 'Shell')] })]);
    const t = new Tree(wf, () => undefined);
    const top = t.start();
    t.send(top, { type: 'stop', id: 'stop1' });
    t.run();
    assert.equal(t.snap(top).status, 'STOPPED');
    assert.equal(t.snap('wf:1:1:w:0').status, 'STOPPED');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type Case, chainSteps, check, play, s } from '../../test/test-kit';

const SH = 'Shell';

/** DAG shapes, conditions, UNSATISFIED propagation, NoOp inline completion. */
const cases: Case[] = [
  {
    name: 'NoOp chain completes inside one decide',
    steps: chainSteps(['a', 'b', 'c']),
    ops: [['start']],
    expect: { status: 'SUCCEEDED', steps: { a: 'SUCCEEDED', c: 'SUCCEEDED' }, dispatches: 0 },
  },
  {
    name: 'Shell chain dispatches one step at a time',
    steps: chainSteps(['a', 'b', 'c'], SH),
    ops: [['start']],
    expect: { status: 'IN_PROGRESS', inFlight: ['a'], steps: { b: 'NOT_CREATED' } },
  },
  {
    name: 'Shell chain: a succeeds → b dispatched',
    steps: chainSteps(['a', 'b', 'c'], SH),
    ops: [['start'], ['ok', 'a']],
    expect: { inFlight: ['b'], steps: { a: 'SUCCEEDED' } },
  },
  {
    name: 'Shell chain runs to SUCCEEDED',
    steps: chainSteps(['a', 'b', 'c'], SH),
    ops: [['start'], ['drain']],
    expect: { status: 'SUCCEEDED', dispatches: 3 },
  },
  {
    name: 'a single NoOp ends the run at start',
    steps: [s('only')],
    ops: [['start']],
    expect: { status: 'SUCCEEDED', wake: null },
  },
  {
    name: 'not started: CREATED and idle',
    steps: chainSteps(['a'], SH),
    ops: [],
    expect: { status: 'CREATED', inFlight: [] },
  },
  {
    name: 'diamond: join waits for both branches',
    steps: [
      s('a', SH, { b: 'true', c: 'true' }),
      s('b', SH, { d: 'true' }),
      s('c', SH, { d: 'true' }),
      s('d', 'Join'),
    ],
    ops: [['start'], ['ok', 'a'], ['ok', 'b']],
    expect: { inFlight: ['c'], steps: { d: 'NOT_CREATED' } },
  },
  {
    name: 'diamond: join completes after both',
    steps: [
      s('a', SH, { b: 'true', c: 'true' }),
      s('b', SH, { d: 'true' }),
      s('c', SH, { d: 'true' }),
      s('d', 'Join'),
    ],
    ops: [['start'], ['ok', 'a'], ['ok', 'b'], ['ok', 'c']],
    expect: { status: 'SUCCEEDED', steps: { d: 'SUCCEEDED' } },
  },
  {
    name: 'fan-out: roots all dispatched at start',
    steps: [s('r1', SH), s('r2', SH), s('r3', SH)],
    ops: [['start']],
    expect: { inFlight: ['r1', 'r2', 'r3'] },
  },
  {
    name: 'disconnected components run independently',
    steps: [s('a', SH, { b: 'true' }), s('b', SH), s('x', SH, { y: 'true' }), s('y', SH)],
    ops: [['start'], ['ok', 'x']],
    expect: { inFlight: ['a', 'y'] },
  },
  {
    name: 'condition false → successor UNSATISFIED, instance SUCCEEDED',
    steps: [s('a', 'NoOp', { b: 'false' }), s('b', SH)],
    ops: [['start']],
    expect: { status: 'SUCCEEDED', steps: { b: 'UNSATISFIED' } },
  },
  {
    name: 'UNSATISFIED propagates down a chain',
    steps: [s('a', 'NoOp', { b: 'false' }), s('b', SH, { c: 'true' }), s('c', SH, { d: 'true' }), s('d', SH)],
    ops: [['start']],
    expect: {
      status: 'SUCCEEDED',
      steps: { b: 'UNSATISFIED', c: 'UNSATISFIED', d: 'UNSATISFIED' },
      dispatches: 0,
    },
  },
  {
    name: 'any true incoming edge runs a multi-predecessor step',
    steps: [s('a', 'NoOp', { c: 'false' }), s('b', 'NoOp', { c: 'true' }), s('c', SH)],
    ops: [['start']],
    expect: { inFlight: ['c'] },
  },
  {
    name: 'an UNSATISFIED predecessor with a true sibling edge still runs the join',
    steps: [s('a', 'NoOp', { b: 'false', j: 'true' }), s('b', 'NoOp', { j: 'true' }), s('j', 'Join')],
    ops: [['start']],
    expect: { status: 'SUCCEEDED', steps: { b: 'UNSATISFIED', j: 'SUCCEEDED' } },
  },
  {
    name: 'all incoming edges false → UNSATISFIED join',
    steps: [s('a', 'NoOp', { j: 'false' }), s('b', 'NoOp', { j: '1 > 2' }), s('j', 'Join')],
    ops: [['start']],
    expect: { status: 'SUCCEEDED', steps: { j: 'UNSATISFIED' } },
  },
  {
    name: 'condition on the predecessor output (true branch)',
    steps: [s('a', SH, { yes: 'out == "go"', no: 'out != "go"' }), s('yes', SH), s('no', SH)],
    ops: [['start'], ['ok', 'a', { out: 'go' }]],
    expect: { inFlight: ['yes'], steps: { no: 'UNSATISFIED' } },
  },
  {
    name: 'condition on the predecessor output (false branch)',
    steps: [s('a', SH, { yes: 'out == "go"', no: 'out != "go"' }), s('yes', SH), s('no', SH)],
    ops: [['start'], ['ok', 'a', { out: 'stop' }]],
    expect: { inFlight: ['no'], steps: { yes: 'UNSATISFIED' } },
  },
  {
    name: 'condition on a workflow param',
    steps: [s('a', 'NoOp', { b: 'mode == "full"' }), s('b', SH)],
    workflow: { params: { mode: { value: 'full', type: 'STRING' } } },
    ops: [['start']],
    expect: { inFlight: ['b'] },
  },
  {
    name: 'condition with a run param override',
    steps: [s('a', 'NoOp', { b: 'mode == "full"' }), s('b', SH)],
    workflow: { params: { mode: { value: 'full', type: 'STRING' } } },
    ops: [['start', { mode: { value: 'quick' } }]],
    expect: { status: 'SUCCEEDED', steps: { b: 'UNSATISFIED' } },
  },
  {
    name: 'condition SEL error → successor INTERNALLY_FAILED, instance FAILED',
    steps: [s('a', 'NoOp', { b: 'nope.length() > 1' }), s('b', SH)],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { b: 'INTERNALLY_FAILED' }, message: /condition of edge a → b/ },
  },
  {
    name: 'non-boolean condition → successor INTERNALLY_FAILED',
    steps: [s('a', 'NoOp', { b: '1 + 1' }), s('b', SH)],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { b: 'INTERNALLY_FAILED' }, message: /not a boolean/ },
  },
  {
    name: 'condition using step__param syntax of an earlier step',
    steps: [s('a', SH, { b: 'true' }), s('b', 'NoOp', { c: 'a__n > 5' }), s('c', SH)],
    ops: [['start'], ['ok', 'a', { n: 7 }]],
    expect: { inFlight: ['c'] },
  },
  {
    name: 'condition using params.getFromStep',
    steps: [s('a', SH, { b: 'true' }), s('b', 'NoOp', { c: 'params.getFromStep("a", "n") > 5' }), s('c', SH)],
    ops: [['start'], ['ok', 'a', { n: 3 }]],
    expect: { status: 'SUCCEEDED', steps: { c: 'UNSATISFIED' } },
  },
  {
    name: 'condition on MAESTRO_STEP_STATUS of a predecessor',
    steps: [s('a', SH, { b: 'params.getFromStep("a", "MAESTRO_STEP_STATUS") == "SUCCEEDED"' }), s('b', SH)],
    ops: [['start'], ['ok', 'a']],
    expect: { inFlight: ['b'] },
  },
  {
    name: 'Join behaves as NoOp after all predecessors',
    steps: [s('a', SH, { j: 'true' }), s('b', SH, { j: 'true' }), s('j', 'Join', { z: 'true' }), s('z', SH)],
    ops: [['start'], ['ok', 'b'], ['ok', 'a']],
    expect: { inFlight: ['z'], steps: { j: 'SUCCEEDED' } },
  },
  {
    name: 'wide fan-out then fan-in (1 → 50 → 1)',
    steps: [
      s('root', 'NoOp', Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`m${k}`, 'true']))),
      ...Array.from({ length: 50 }, (_, k) => s(`m${k}`, SH, { end: 'true' })),
      s('end', 'Join'),
    ],
    ops: [['start'], ['drain']],
    expect: { status: 'SUCCEEDED', steps: { end: 'SUCCEEDED' }, dispatches: 50 },
  },
  {
    name: 'conditional branch skips a whole subgraph',
    steps: [
      s('a', 'NoOp', { b: 'false', x: 'true' }),
      s('b', SH, { c: 'true' }),
      s('c', SH, { j: 'true' }),
      s('x', SH, { j: 'true' }),
      s('j', 'Join'),
    ],
    ops: [['start'], ['ok', 'x']],
    expect: { status: 'SUCCEEDED', steps: { b: 'UNSATISFIED', c: 'UNSATISFIED', j: 'SUCCEEDED' } },
  },
  {
    name: 'edge false into one step but join reached by the other path',
    steps: [
      s('a', 'NoOp', { b: 'true', c: 'false' }),
      s('b', 'NoOp', { d: 'true' }),
      s('c', 'NoOp', { d: 'true' }),
      s('d', SH),
    ],
    ops: [['start']],
    expect: { inFlight: ['d'], steps: { c: 'UNSATISFIED' } },
  },
  {
    name: 'attemptStarted moves STARTING → RUNNING',
    steps: chainSteps(['a'], SH),
    ops: [['start'], ['started', 'a']],
    expect: { steps: { a: 'RUNNING' } },
  },
];

describe('decide: DAG table', () => {
  for (const c of cases) {
    test(c.name, () => {
      const r = play(c);
      assert.deepEqual(check(r, c.expect), []);
    });
  }
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { Run, T0, evId, s } from '../../test/test-kit';

test("an attempt's times and worker are the worker's, not the decision's", () => {
  const r = Run.of([s('a', 'Shell')]).start();
  r.now = T0 + 900; // the reports are decided late (RUNNING waited for the end)
  r.feed(
    { type: 'attemptStarted', id: evId(), stepId: 'a', attempt: 1, at: T0 + 10, worker: 'w1' },
    {
      type: 'attemptFinished',
      id: evId(),
      stepId: 'a',
      attempt: 1,
      status: 'SUCCEEDED',
      startedAt: T0 + 11,
      endedAt: T0 + 25,
      worker: 'w1',
    },
  );
  const rec = r.step('a').attempts[0]!;
  assert.deepEqual(
    [rec.status, rec.startedAt, rec.endedAt, rec.worker],
    ['SUCCEEDED', T0 + 11, T0 + 25, 'w1'],
  );
});

test('without a RUNNING report, the end report gives the start time too; without times, the decision time', () => {
  const r = Run.of([s('a', 'Shell'), s('b', 'Shell')]).start();
  r.now = T0 + 500;
  r.feed(
    {
      type: 'attemptFinished',
      id: evId(),
      stepId: 'a',
      attempt: 1,
      status: 'SUCCEEDED',
      startedAt: T0 + 5,
      endedAt: T0 + 9,
    },
    { type: 'attemptFinished', id: evId(), stepId: 'b', attempt: 1, status: 'SUCCEEDED' },
  );
  const a = r.step('a').attempts[0]!;
  const b = r.step('b').attempts[0]!;
  assert.deepEqual([a.startedAt, a.endedAt], [T0 + 5, T0 + 9]);
  assert.deepEqual([b.startedAt, b.endedAt], [undefined, T0 + 500]);
});

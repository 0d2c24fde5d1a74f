import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type QueueEntry, type RunStrategyRule, admit } from './run-strategy';

const q = (instanceId: number): QueueEntry => ({
  instanceId,
  status: 'CREATED',
  admitted: false,
  unblocked: false,
});
const run = (instanceId: number): QueueEntry => ({
  instanceId,
  status: 'IN_PROGRESS',
  admitted: true,
  unblocked: false,
});
const done = (
  instanceId: number,
  status: QueueEntry['status'] = 'SUCCEEDED',
  unblocked = false,
): QueueEntry => ({
  instanceId,
  status,
  admitted: true,
  unblocked,
});

type Case = [string, RunStrategyRule, number, QueueEntry[], number[], number[], number?];

const cases: Case[] = [
  ['sequential: idle → first queued', 'SEQUENTIAL', 1, [q(1), q(2)], [1], []],
  ['sequential: busy → nothing', 'SEQUENTIAL', 1, [run(1), q(2)], [], []],
  ['sequential: previous done → next', 'SEQUENTIAL', 1, [done(1), q(2), q(3)], [2], []],
  ['sequential: a failure does not block', 'SEQUENTIAL', 1, [done(1, 'FAILED'), q(2)], [2], []],
  ['strict: a failure blocks', 'STRICT_SEQUENTIAL', 1, [done(1, 'FAILED'), q(2)], [], [], 1],
  [
    'strict: unblocked failure lets the queue go',
    'STRICT_SEQUENTIAL',
    1,
    [done(1, 'FAILED', true), q(2)],
    [2],
    [],
  ],
  ['strict: stopped does not block', 'STRICT_SEQUENTIAL', 1, [done(1, 'STOPPED'), q(2)], [2], []],
  ['strict: busy → nothing', 'STRICT_SEQUENTIAL', 1, [run(1), q(2)], [], []],
  ['parallel 2: two start', 'PARALLEL', 2, [q(1), q(2), q(3)], [1, 2], []],
  ['parallel 2: one slot', 'PARALLEL', 2, [run(1), q(2), q(3)], [2], []],
  ['parallel 0: unlimited', 'PARALLEL', 0, [run(1), q(2), q(3)], [2, 3], []],
  ['parallel: full', 'PARALLEL', 1, [run(1), q(2)], [], []],
  ['first only: idle → first, others stopped', 'FIRST_ONLY', 1, [q(1), q(2)], [1], [2]],
  ['first only: busy → new stopped', 'FIRST_ONLY', 1, [run(1), q(2), q(3)], [], [2, 3]],
  ['last only: newest runs, running stopped', 'LAST_ONLY', 1, [run(1), q(2), q(3)], [3], [1, 2]],
  ['last only: nothing queued', 'LAST_ONLY', 1, [run(1)], [], []],
  ['serial latest only: busy waits', 'SERIAL_LATEST_ONLY', 1, [run(1), q(2), q(3)], [], []],
  [
    'serial latest only: newest, older skipped',
    'SERIAL_LATEST_ONLY',
    1,
    [done(1), q(2), q(3), q(4)],
    [4],
    [2, 3],
  ],
  ['nothing queued', 'SEQUENTIAL', 1, [run(1)], [], []],
];

describe('run strategies (admit)', () => {
  for (const [name, rule, conc, entries, start, stop, blocked] of cases) {
    test(name, () => {
      const a = admit(rule, conc, entries);
      assert.deepEqual(a.start, start);
      assert.deepEqual(
        a.stop.map((s) => s.instanceId),
        stop,
      );
      assert.equal(a.blockedBy, blocked);
    });
  }
});

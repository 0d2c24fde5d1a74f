import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { type BackfillSpec, backfillIdOf, decideBackfill } from './backfill';

const spec: BackfillSpec = {
  id: 'bf',
  workflowId: 'wf',
  triggerId: 't',
  timezone: 'UTC',
  from: 0,
  to: 10,
  concurrency: 2,
  times: [1, 2, 3, 4, 5],
};

test('starts in order, at most `concurrency` at once, until all ended', () => {
  let s = { next: 0, running: [] as number[], ended: 0 };
  const d1 = decideBackfill(s, spec, new Set());
  assert.deepEqual(d1.start, [1, 2]);
  s = d1.state;
  assert.deepEqual(decideBackfill(s, spec, new Set()).start, [], 'both still running');
  const d2 = decideBackfill(s, spec, new Set([1]));
  assert.deepEqual(d2.start, [3]);
  assert.equal(d2.state.ended, 1);
  s = d2.state;
  const d3 = decideBackfill(s, spec, new Set([2, 3]));
  assert.deepEqual(d3.start, [4, 5]);
  const d4 = decideBackfill(d3.state, spec, new Set([4, 5]));
  assert.equal(d4.done, true);
  assert.equal(d4.state.ended, 5);
});

test('the same range is the same backfill', () => {
  assert.equal(backfillIdOf('wf', 't', 1, 2), backfillIdOf('wf', 't', 1, 2));
  assert.notEqual(backfillIdOf('wf', 't', 1, 2), backfillIdOf('wf', 't', 1, 3));
  assert.match(backfillIdOf('wf', 't', 1, 2), /^bf-[0-9a-f]{24}$/);
});

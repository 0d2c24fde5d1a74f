import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { type TimeTriggerPlan, decideTimeShard } from './time-shard';

const MIN = 60_000;
/** Every minute on the minute (epoch-aligned), optional fixed jitter. */
function everyMinute(
  key: string,
  changedAt = 0,
  mode: 'SKIP' | 'LATEST' | 'ALL' = 'LATEST',
  jitter = 0,
): TimeTriggerPlan {
  return {
    key,
    workflowId: key.split('|')[0]!,
    triggerId: key.split('|')[1]!,
    timezone: 'UTC',
    changedAt,
    catchUp: { mode, maxRuns: 3 },
    between(from, to, cap) {
      const times: number[] = [];
      for (let t = Math.floor(from / MIN) * MIN + MIN; t <= to; t += MIN) {
        if (times.length === cap) return { times, truncated: true };
        times.push(t);
      }
      return { times, truncated: false };
    },
    next(after, count) {
      const first = Math.floor(after / MIN) * MIN + MIN;
      return Array.from({ length: count }, (_, i) => first + i * MIN);
    },
    delay: () => jitter,
  };
}

test('a fire time fires once when due, and the next wake-up is the following one', () => {
  const t = everyMinute('wf|t');
  const d1 = decideTimeShard({ watermarks: {} }, [t], 10 * MIN + 5, 60_000);
  assert.deepEqual(
    d1.fires.map((f) => f.time),
    [10 * MIN],
    'the first look: only what is due now (LATEST)',
  );
  assert.equal(d1.state.watermarks['wf|t'], 10 * MIN + 5);
  assert.equal(d1.wakeAt, 11 * MIN);
  const d2 = decideTimeShard(d1.state, [t], 10 * MIN + 500, 60_000);
  assert.equal(d2.fires.length, 0, 'not twice');
  const d3 = decideTimeShard(d1.state, [t], 11 * MIN + 1, 60_000);
  assert.deepEqual(
    d3.fires.map((f) => [f.time, f.requestId]),
    [[11 * MIN, `time:t:${11 * MIN}`]],
  );
});

test('nothing before the triggers changed fires', () => {
  const t = everyMinute('wf|t', 10 * MIN + 30_000);
  assert.equal(decideTimeShard({ watermarks: {} }, [t], 10 * MIN + 40_000, 60_000).fires.length, 0);
});

test('catch-up after downtime: SKIP, LATEST, ALL (capped); late but within grace always fires', () => {
  const state = { watermarks: { 'wf|t': 100 * MIN } };
  const now = 110 * MIN + 10_000; // 10 fire times passed; 110 is within the grace of 60 s
  const fired = (mode: 'SKIP' | 'LATEST' | 'ALL') =>
    decideTimeShard(state, [everyMinute('wf|t', 0, mode)], now, 60_000).fires.map((f) => f.time / MIN);
  assert.deepEqual(fired('SKIP'), [110]);
  assert.deepEqual(fired('LATEST'), [110], 'an on-time fire: the missed ones are not caught up');
  assert.deepEqual(fired('ALL'), [107, 108, 109, 110]);
  const late = 110 * MIN + 5 * MIN;
  assert.deepEqual(
    decideTimeShard(state, [everyMinute('wf|t', 0, 'LATEST')], late, 60_000).fires.map((f) => f.time / MIN),
    [114, 115],
    'within grace: 114 and 115; LATEST adds nothing as something fired on time',
  );
  assert.deepEqual(
    decideTimeShard(state, [everyMinute('wf|t', 0, 'LATEST')], late, 0).fires.map((f) => f.time / MIN),
    [115],
  );
});

test('fuzzy delay: a fire is due at its time plus its delay, and the watermark waits for it', () => {
  const t = everyMinute('wf|t', 0, 'LATEST', 20_000);
  const d1 = decideTimeShard({ watermarks: { 'wf|t': 10 * MIN } }, [t], 11 * MIN + 10_000, 60_000);
  assert.equal(d1.fires.length, 0);
  assert.equal(d1.state.watermarks['wf|t'], 11 * MIN - 1);
  assert.equal(d1.wakeAt, 11 * MIN + 20_000);
  const d2 = decideTimeShard(d1.state, [t], 11 * MIN + 20_000, 60_000);
  assert.deepEqual(
    d2.fires.map((f) => f.time),
    [11 * MIN],
  );
});

test('triggers of a shard are planned independently; a removed one leaves the state', () => {
  const d = decideTimeShard(
    { watermarks: { 'gone|x': 5 } },
    [everyMinute('a|1'), everyMinute('b|2')],
    3 * MIN + 5000,
    60_000,
  );
  assert.deepEqual(d.fires.map((f) => f.workflowId).sort(), ['a', 'b']);
  assert.deepEqual(Object.keys(d.state.watermarks).sort(), ['a|1', 'b|2']);
  assert.equal(d.changed, true);
});

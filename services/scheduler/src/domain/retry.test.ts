import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { ENGINE_DEFAULTS } from './context';
import { backoffSeconds, resolveRetryPolicy } from './retry-policy';
import { type Case, check, play, s } from '../../test/test-kit';

const SH = 'Shell';
const MIN = 60_000;

/** Retries by kind, backoff times, lease expiry, timeouts, Sleep timers and nextWakeAt. */
const cases: Case[] = [
  {
    name: 'user error: default policy retries after 60 s',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'IN_PROGRESS', steps: { a: 'INITIALIZED' }, wake: MIN, inFlight: [] },
  },
  {
    name: 'user error: retry dispatched when due',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['at', MIN]],
    expect: { inFlight: ['a'], dispatches: 2, wake: null },
  },
  {
    name: 'user error: nothing before the due time',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['at', MIN - 1]],
    expect: { dispatches: 1, wake: MIN },
  },
  {
    name: 'user error: exponential second backoff 120 s',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['at', MIN], ['fail', 'a', 'USER_FAILED']],
    expect: { wake: MIN + 2 * MIN },
  },
  {
    name: 'user error: default limit 2 → third failure is final',
    steps: [s('a', SH)],
    ops: [
      ['start'],
      ['fail', 'a', 'USER_FAILED'],
      ['at', MIN],
      ['fail', 'a', 'USER_FAILED'],
      ['at', 3 * MIN],
      ['fail', 'a', 'USER_FAILED'],
    ],
    expect: { status: 'FAILED', steps: { a: 'USER_FAILED' }, dispatches: 3 },
  },
  {
    name: 'user error: success on the retry',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['at', MIN], ['ok', 'a']],
    expect: { status: 'SUCCEEDED' },
  },
  {
    name: 'platform error: default 10 retries (first after 60 s)',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'PLATFORM_FAILED']],
    expect: { steps: { a: 'INITIALIZED' }, wake: MIN },
  },
  {
    name: 'timeout error: default 0 retries',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'TIMED_OUT']],
    expect: { status: 'FAILED', steps: { a: 'TIMED_OUT' } },
  },
  {
    name: 'timeout retries when the policy allows',
    steps: [
      s('a', SH, undefined, {
        retry_policy: {
          timeout_retry_limit: 1,
          backoff: { type: 'FIXED_BACKOFF', timeout_retry_backoff_in_secs: 5 },
        },
      }),
    ],
    ops: [['start'], ['fail', 'a', 'TIMED_OUT']],
    expect: { steps: { a: 'INITIALIZED' }, wake: 5000 },
  },
  {
    name: 'FIXED backoff: every retry waits the same',
    steps: [
      s('a', SH, undefined, {
        retry_policy: {
          error_retry_limit: 3,
          backoff: { type: 'FIXED_BACKOFF', error_retry_backoff_in_secs: 10 },
        },
      }),
    ],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['at', 10_000], ['fail', 'a', 'USER_FAILED']],
    expect: { wake: 20_000 },
  },
  {
    name: 'limits per kind are separate: platform retries do not use user retries',
    steps: [
      s('a', SH, undefined, {
        retry_policy: {
          error_retry_limit: 0,
          platform_retry_limit: 1,
          backoff: {
            type: 'FIXED_BACKOFF',
            platform_retry_backoff_in_secs: 1,
            error_retry_backoff_in_secs: 1,
          },
        },
      }),
    ],
    ops: [['start'], ['fail', 'a', 'PLATFORM_FAILED'], ['at', 1000], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'FAILED', steps: { a: 'USER_FAILED' }, dispatches: 2 },
  },
  {
    name: 'retry limit from a ${param}',
    steps: [
      s('a', SH, undefined, {
        params: { n: { value: 0, type: 'LONG' } },
        retry_policy: { error_retry_limit: '${n}' },
      }),
    ],
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'FAILED', dispatches: 1 },
  },
  {
    name: 'retry limit from a workflow ${param}',
    steps: [
      s('a', SH, undefined, {
        retry_policy: {
          error_retry_limit: '${tries}',
          backoff: { type: 'FIXED_BACKOFF', error_retry_backoff_in_secs: 0 },
        },
      }),
    ],
    workflow: { params: { tries: { value: 1, type: 'LONG' } } },
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { inFlight: ['a'], dispatches: 2 },
  },
  {
    name: 'a retry limit param that is not a number → INTERNALLY_FAILED',
    steps: [
      s('a', SH, undefined, {
        params: { n: { value: 'many', type: 'STRING' } },
        retry_policy: { error_retry_limit: '${n}' },
      }),
    ],
    ops: [['start'], ['fail', 'a', 'USER_FAILED']],
    expect: { status: 'FAILED', steps: { a: 'INTERNALLY_FAILED' } },
  },
  {
    name: 'lease expiry: platform error → new attempt after backoff',
    steps: [
      s('a', SH, undefined, {
        retry_policy: { backoff: { type: 'FIXED_BACKOFF', platform_retry_backoff_in_secs: 0 } },
      }),
    ],
    ops: [['start'], ['started', 'a'], ['lease', 'a']],
    expect: { inFlight: ['a'], dispatches: 2 },
  },
  {
    name: 'lease expiry then a late report from the lost attempt is ignored',
    steps: [
      s('a', SH, undefined, {
        retry_policy: { backoff: { type: 'FIXED_BACKOFF', platform_retry_backoff_in_secs: 0 } },
      }),
    ],
    ops: [['start'], ['lease', 'a'], ['report', 'a', 1, 'SUCCEEDED']],
    expect: { status: 'IN_PROGRESS', inFlight: ['a'] },
  },
  {
    name: 'stale report for a superseded attempt is ignored; the current one applies',
    steps: [
      s('a', SH, undefined, {
        retry_policy: { backoff: { type: 'FIXED_BACKOFF', error_retry_backoff_in_secs: 0 } },
      }),
    ],
    ops: [
      ['start'],
      ['fail', 'a', 'USER_FAILED'],
      ['report', 'a', 1, 'USER_FAILED'],
      ['report', 'a', 2, 'SUCCEEDED'],
    ],
    expect: { status: 'SUCCEEDED', dispatches: 2 },
  },
  {
    name: 'duplicate success report applied once',
    steps: [s('a', SH, { b: 'true' }), s('b', SH)],
    ops: [['start'], ['ok', 'a'], ['again']],
    expect: { inFlight: ['b'], dispatches: 2 },
  },
  {
    name: 'duplicate failure report counts one retry',
    steps: [s('a', SH)],
    ops: [['start'], ['fail', 'a', 'USER_FAILED'], ['again']],
    expect: { wake: MIN },
  },
  {
    name: 'report for a future attempt number is ignored',
    steps: [s('a', SH)],
    ops: [['start'], ['report', 'a', 2, 'SUCCEEDED']],
    expect: { status: 'IN_PROGRESS', inFlight: ['a'] },
  },
  {
    name: 'report for an unknown step is ignored',
    steps: [s('a', SH)],
    ops: [['start'], ['report', 'zz', 1, 'SUCCEEDED']],
    expect: { status: 'IN_PROGRESS' },
  },
  {
    name: 'report after the run ended is ignored',
    steps: [s('a', SH)],
    ops: [['start'], ['ok', 'a'], ['again']],
    expect: { status: 'SUCCEEDED' },
  },
  {
    name: 'step timeout (seconds): attempt TIMED_OUT and cancelled at the deadline',
    steps: [s('a', SH, undefined, { timeout: 30 })],
    ops: [['start'], ['at', 30_000]],
    expect: { status: 'FAILED', steps: { a: 'TIMED_OUT' } },
  },
  {
    name: 'step timeout arms nextWakeAt',
    steps: [s('a', SH, undefined, { timeout: '2 minutes' })],
    ops: [['start']],
    expect: { wake: 2 * MIN },
  },
  {
    name: 'step timeout not yet reached',
    steps: [s('a', SH, undefined, { timeout: '2h' })],
    ops: [['start'], ['at', MIN]],
    expect: { status: 'IN_PROGRESS', inFlight: ['a'] },
  },
  {
    name: 'step timeout from a ${p}s duration',
    steps: [s('a', SH, undefined, { timeout: '${t}s', params: { t: { value: 45, type: 'LONG' } } })],
    ops: [['start']],
    expect: { wake: 45_000 },
  },
  {
    name: 'step timeout from a workflow param duration',
    steps: [s('a', SH, undefined, { timeout: '${limit}' })],
    workflow: { params: { limit: { value: '10 minutes', type: 'STRING' } } },
    ops: [['start']],
    expect: { wake: 10 * MIN },
  },
  {
    name: 'a step timeout that does not resolve → INTERNALLY_FAILED',
    steps: [s('a', SH, undefined, { timeout: '${t}s', params: { t: { value: 'soon', type: 'STRING' } } })],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { a: 'INTERNALLY_FAILED' } },
  },
  {
    name: 'step timeout with a timeout retry: new attempt after backoff',
    steps: [
      s('a', SH, undefined, {
        timeout: 10,
        retry_policy: {
          timeout_retry_limit: 1,
          backoff: { type: 'FIXED_BACKOFF', timeout_retry_backoff_in_secs: 5 },
        },
      }),
    ],
    ops: [['start'], ['at', 10_000], ['at', 15_000]],
    expect: { inFlight: ['a'], dispatches: 2, wake: 25_000 },
  },
  {
    name: 'instance timeout → TIMED_OUT, running attempt cancelled',
    steps: [s('a', SH)],
    workflow: { timeout: '1 hour' },
    ops: [['start'], ['at', 3_600_000]],
    expect: { status: 'TIMED_OUT', steps: { a: 'STOPPED' }, wake: null },
  },
  {
    name: 'instance timeout arms nextWakeAt',
    steps: [s('a', SH)],
    workflow: { timeout: 90 },
    ops: [['start']],
    expect: { wake: 90_000 },
  },
  {
    name: 'instance timeout from ${p} form',
    steps: [s('a', SH)],
    workflow: { timeout: '${hours}h', params: { hours: { value: 2, type: 'LONG' } } },
    ops: [['start']],
    expect: { wake: 7_200_000 },
  },
  {
    name: 'instance timeout event',
    steps: [s('a', SH)],
    ops: [['start'], ['timeout']],
    expect: { status: 'TIMED_OUT' },
  },
  {
    name: 'earliest timer wins: step timeout before instance timeout',
    steps: [s('a', SH, undefined, { timeout: 5 })],
    workflow: { timeout: 60 },
    ops: [['start']],
    expect: { wake: 5000 },
  },
  {
    name: 'Sleep: a timer, no dispatch',
    steps: [s('z', 'Sleep', undefined, { params: { sleep_seconds: { value: 30, type: 'LONG' } } })],
    ops: [['start']],
    expect: { status: 'IN_PROGRESS', steps: { z: 'RUNNING' }, wake: 30_000, dispatches: 0 },
  },
  {
    name: 'Sleep: completes when due',
    steps: [
      s('z', 'Sleep', { b: 'true' }, { params: { sleep_seconds: { value: 30, type: 'LONG' } } }),
      s('b', SH),
    ],
    ops: [['start'], ['at', 30_000]],
    expect: { steps: { z: 'SUCCEEDED' }, inFlight: ['b'] },
  },
  {
    name: 'Sleep: not before due',
    steps: [s('z', 'Sleep', undefined, { params: { sleep_seconds: { value: 30, type: 'LONG' } } })],
    ops: [['start'], ['at', 29_999]],
    expect: { steps: { z: 'RUNNING' } },
  },
  {
    name: 'Sleep 0 completes inline',
    steps: [s('z', 'Sleep', undefined, { params: { sleep_seconds: { value: 0, type: 'LONG' } } })],
    ops: [['start']],
    expect: { status: 'SUCCEEDED' },
  },
  {
    name: 'Sleep without sleep_seconds → INTERNALLY_FAILED',
    steps: [s('z', 'Sleep')],
    ops: [['start']],
    expect: { status: 'FAILED', steps: { z: 'INTERNALLY_FAILED' } },
  },
  {
    name: 'two Sleeps: nextWakeAt is the earlier, then the later',
    steps: [
      s('x', 'Sleep', undefined, { params: { sleep_seconds: { value: 10, type: 'LONG' } } }),
      s('y', 'Sleep', undefined, { params: { sleep_seconds: { value: 20, type: 'LONG' } } }),
    ],
    ops: [['start'], ['at', 10_000]],
    expect: { wake: 20_000, steps: { x: 'SUCCEEDED', y: 'RUNNING' } },
  },
  {
    name: 'Sleep from an expression param',
    steps: [
      s('x', 'Sleep', undefined, { params: { sleep_seconds: { expression: 'base * 2', type: 'LONG' } } }),
    ],
    workflow: { params: { base: { value: 4, type: 'LONG' } } },
    ops: [['start']],
    expect: { wake: 8000 },
  },
];

describe('decide: retries, timeouts, timers', () => {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(check(play(c), c.expect), []));
  }
});

describe('backoff (Maestro formulas)', () => {
  const p = resolveRetryPolicy(undefined, ENGINE_DEFAULTS, () => undefined);
  const table: [string, 'user' | 'platform' | 'timeout', number, number][] = [
    ['user retry 1', 'user', 1, 60],
    ['user retry 2', 'user', 2, 120],
    ['user retry 4', 'user', 4, 480],
    ['user retry 5 capped at 600', 'user', 5, 600],
    ['platform retry 6 = 60·2^5 = 1920', 'platform', 6, 1920],
    ['platform retry 7 capped at 3600', 'platform', 7, 3600],
    ['timeout retry 1', 'timeout', 1, 60],
  ];
  for (const [name, kind, n, secs] of table) test(name, () => assert.equal(backoffSeconds(p, kind, n), secs));
  test('default limits: user 2, platform 10, timeout 0', () =>
    assert.deepEqual(p.limits, { user: 2, platform: 10, timeout: 0 }));
  test('a step policy overrides field by field', () => {
    const q = resolveRetryPolicy({ errorRetryLimit: 5 }, ENGINE_DEFAULTS, () => undefined);
    assert.deepEqual(q.limits, { user: 5, platform: 10, timeout: 0 });
  });
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { decideOutcome, type FinishedAttempt, type Verdict } from './outcome.js';
import { parseOutputs } from './output-file.js';
import { paramsAsEnv } from './user-env.js';

const ok = (outputs: Record<string, unknown> = {}, retryable = true, userError?: string) =>
  ({ ok: true, outputs, retryable, ...(userError ? { userError } : {}) }) as const;
const exit = (exitCode: number | null, signal: string | null = null) => ({ exitCode, signal });

test('decideOutcome: the status rules as a table', () => {
  const cases: [string, FinishedAttempt, Verdict][] = [
    [
      'exit 0',
      { end: exit(0), output: ok({ a: 1 }) },
      { status: 'SUCCEEDED', exitCode: 0, outputs: { a: 1 } },
    ],
    [
      'exit 2',
      { end: exit(2), output: ok() },
      { status: 'USER_FAILED', exitCode: 2, error: 'script exited with code 2', outputs: {} },
    ],
    [
      'signal',
      { end: exit(null, 'SIGKILL'), output: ok() },
      { status: 'USER_FAILED', signal: 'SIGKILL', error: 'script was killed by signal SIGKILL', outputs: {} },
    ],
    [
      'fatal',
      { end: exit(1), output: ok({}, false) },
      { status: 'FATALLY_FAILED', exitCode: 1, error: 'script exited with code 1', outputs: {} },
    ],
    [
      'fatal msg',
      { end: exit(1), output: ok({}, false, 'bad input') },
      { status: 'FATALLY_FAILED', exitCode: 1, error: 'bad input (script exited with code 1)', outputs: {} },
    ],
    [
      'retryable msg',
      { end: exit(1), output: ok({}, true, 'flaky') },
      { status: 'USER_FAILED', exitCode: 1, error: 'flaky (script exited with code 1)', outputs: {} },
    ],
    [
      'fatal on 0',
      { end: exit(0), output: ok({}, false) },
      { status: 'SUCCEEDED', exitCode: 0, outputs: {} },
    ],
    [
      'bad output on 0',
      { end: exit(0), output: { ok: false, error: 'bad' } },
      { status: 'USER_FAILED', exitCode: 0, error: 'bad', outputs: {} },
    ],
    [
      'bad output on 5',
      { end: exit(5), output: { ok: false, error: 'bad' } },
      { status: 'USER_FAILED', exitCode: 5, error: 'script exited with code 5; bad', outputs: {} },
    ],
    [
      'stop wins',
      { end: exit(0), stopReason: 'r', output: ok({ a: 1 }) },
      { status: 'STOPPED', exitCode: 0, error: 'stopped: r', outputs: {} },
    ],
    [
      'timeout',
      { end: exit(null, 'SIGTERM'), timedOutAfterSeconds: 3 },
      { status: 'TIMED_OUT', signal: 'SIGTERM', error: 'timed out after 3 s', outputs: {} },
    ],
  ];
  for (const [name, input, expected] of cases) assert.deepEqual(decideOutcome(input), expected, name);
});

test('parseOutputs: blank is empty; reserved keys are read and removed; __proto__ stays data', () => {
  assert.deepEqual(parseOutputs(' \n'), { ok: true, outputs: {}, retryable: true });
  assert.deepEqual(parseOutputs('{"a": 1, "baton_retryable": false, "baton_error": "x"}'), {
    ok: true,
    outputs: { a: 1 },
    retryable: false,
    userError: 'x',
  });
  const proto = parseOutputs('{"__proto__": {"polluted": true}}');
  assert.ok(proto.ok);
  assert.equal(Object.getPrototypeOf(proto.outputs), Object.prototype);
  assert.deepEqual(Object.keys(proto.outputs), ['__proto__']);
  assert.equal(parseOutputs('null').ok, false);
  assert.equal(parseOutputs('{"baton_error": 1}').ok, false);
});

test('paramsAsEnv: scalars with valid, unreserved names; no NUL; not over the size cap', () => {
  assert.deepEqual(
    paramsAsEnv(
      {
        a: 'x',
        n: 1.5,
        b: false,
        arr: [1],
        obj: {},
        nil: null,
        '1bad': 'x',
        BATON_X: 'y',
        PATH: 'p',
        HOME: 'h',
        TMPDIR: 't',
        nul: 'a\0b',
        big: 'x'.repeat(11),
        ok10: 'x'.repeat(10),
      },
      10,
    ),
    { a: 'x', n: '1.5', b: 'false', ok10: 'x'.repeat(10) },
  );
});

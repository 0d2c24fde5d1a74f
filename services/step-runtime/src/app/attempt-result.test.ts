import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { AttemptOutcome } from '../runner/index.js';
import { resultOf } from './attempt-lifecycle.js';

const base: AttemptOutcome = {
  status: 'SUCCEEDED',
  outputs: {},
  startedAt: 0,
  endedAt: 1,
  logBytes: 3,
  logBytesDropped: 0,
  truncated: false,
  exitCode: 0,
};

test('resultOf: success keeps the outputs (as JSON for the claim, as ParamValues for the report)', () => {
  const { result, outputs } = resultOf({ ...base, outputs: { n: 1 } }, {});
  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.outputs_json, '{"n":1}');
  assert.equal(outputs.n.kind?.$case, 'longValue');
  assert.equal(result.exit_code, 0);
});

test('resultOf: outputs the engine cannot carry fail a successful attempt as USER_FAILED', () => {
  const { result, outputs } = resultOf({ ...base, outputs: { bad: [1, 'x'] } }, {});
  assert.equal(result.status, 'USER_FAILED');
  assert.match(result.error, /output param bad/);
  assert.deepEqual(outputs, {});
});

test('resultOf: a user stop is STOPPED; a shutdown stop is PLATFORM_FAILED (retried as a new attempt)', () => {
  const stopped = { ...base, status: 'STOPPED' as const, error: 'stopped: x', exitCode: undefined };
  assert.equal(resultOf(stopped, { cause: { reason: 'x', shutdown: false } }).result.status, 'STOPPED');
  const r = resultOf(stopped, { cause: { reason: 'the worker is shutting down', shutdown: true } }).result;
  assert.equal(r.status, 'PLATFORM_FAILED');
  assert.match(r.error, /shut down/);
});

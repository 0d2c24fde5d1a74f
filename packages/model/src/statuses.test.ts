import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  ATTEMPT_RESULTS,
  INSTANCE_STATUSES,
  STEP_STATUSES,
  isBlocking,
  isDecided,
  isFailureStatus,
  isInstanceTerminal,
  isStepTerminal,
} from './statuses';

test('the step vocabulary: terminal = decided or blocking, never both; every attempt result is a step state', () => {
  for (const s of STEP_STATUSES) {
    assert.ok(!(isDecided(s) && isBlocking(s)), s);
    assert.equal(isStepTerminal(s), isDecided(s) || isBlocking(s), s);
  }
  for (const r of ATTEMPT_RESULTS) assert.ok((STEP_STATUSES as readonly string[]).includes(r), r);
  assert.deepEqual(STEP_STATUSES.filter(isBlocking), [
    'USER_FAILED',
    'PLATFORM_FAILED',
    'FATALLY_FAILED',
    'INTERNALLY_FAILED',
    'STOPPED',
    'TIMED_OUT',
  ]);
  assert.deepEqual(INSTANCE_STATUSES.filter(isInstanceTerminal), [
    'TIMED_OUT',
    'STOPPED',
    'FAILED',
    'SUCCEEDED',
  ]);
});

test('failures are what a user reads as red: failed results, not a stop or a success', () => {
  assert.deepEqual(ATTEMPT_RESULTS.filter(isFailureStatus), [
    'USER_FAILED',
    'FATALLY_FAILED',
    'PLATFORM_FAILED',
    'TIMED_OUT',
  ]);
  assert.ok(
    isFailureStatus('FAILED') && !isFailureStatus('STOPPED') && !isFailureStatus('COMPLETED_WITH_ERROR'),
  );
});

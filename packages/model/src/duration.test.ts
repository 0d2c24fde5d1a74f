import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { parseDurationText } from './duration';
import { invalid, noop, pushText, valid } from '../test/test-support';

describe('timeouts', () => {
  // The grammar's own table is in @baton/schedule (duration-text.test.ts), where the parser lives.
  test('the duration text parser is re-exported for the scheduler service', () => {
    assert.equal(parseDurationText('1d 3h'), 97_200);
    assert.equal(parseDurationText('soon'), undefined);
  });

  test('numbers are seconds; fractional, negative and over-limit values fail', () => {
    assert.equal(valid(pushText([noop('a')], { timeout: 3600 })).workflow.timeout, 3600);
    assert.match(invalid(pushText([noop('a')], { timeout: 1.5 }))[0]!.description, /whole number of seconds/);
    assert.match(invalid(pushText([noop('a')], { timeout: -1 }))[0]!.description, /must be positive/);
    assert.match(invalid(pushText([noop('a')], { timeout: '121 days' }))[0]!.description, /at most 10368000/);
    assert.match(
      invalid(pushText([noop('a')], { timeout: true }))[0]!.description,
      /number of seconds or a duration/,
    );
  });

  test('param references are kept as text', () => {
    assert.equal(
      valid(pushText([noop('a', undefined, { timeout: '$hours h' })])).workflow.steps[0]!.timeout,
      '$hours h',
    );
  });
});

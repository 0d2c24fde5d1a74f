import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDurationText } from './duration';
import { invalid, noop, pushText, valid } from './test-support';

describe('timeouts', () => {
  const cases: [string, number | undefined][] = [
    ['90', 90],
    ['20 minutes', 1_200],
    ['2h', 7_200],
    ['1d 3h', 97_200],
    ['1 day 2 hours 3 minutes 4 seconds', 93_784],
    ['1h30min', 5_400],
    ['45m', 2_700],
    ['1500ms', 2],
    ['30 sec', 30],
    ['2 HOURS', 7_200],
    ['soon', undefined],
    ['', undefined],
    ['5 fortnights', undefined],
    ['h2', undefined],
  ];
  for (const [text, seconds] of cases) {
    test(`"${text}" → ${seconds}`, () => assert.equal(parseDurationText(text), seconds));
  }

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

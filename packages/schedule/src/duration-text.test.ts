import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { parseDurationText } from './duration-text';

describe('duration text', () => {
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
});

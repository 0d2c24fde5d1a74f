import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { parseStartTime } from './start-time';

const cases: [string, string | undefined][] = [
  ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z'],
  ['2024-01-01t00:00:00z', '2024-01-01T00:00:00.000Z'],
  ['2024-01-01 00:00:00Z', '2024-01-01T00:00:00.000Z'],
  ['2024-01-01T00:00Z', '2024-01-01T00:00:00.000Z'],
  ['2024-01-01T09:00:00.250+09:00', '2024-01-01T00:00:00.250Z'],
  ['2024-01-01T00:00:00-0530', '2024-01-01T05:30:00.000Z'],
  ['2024-02-29T12:00:00+01', '2024-02-29T11:00:00.000Z'],
  ['01-01-2024 00:00:00.000UTC', '2024-01-01T00:00:00.000Z'],
  ['12-31-2023 23:30:00.000GMT-08:00', '2024-01-01T07:30:00.000Z'],
  ['06-15-2024 08:00:00.000 -0700', '2024-06-15T15:00:00.000Z'],
  ['2024-01-01T00:00:00', undefined],
  ['2024-01-01', undefined],
  ['2023-02-29T00:00:00Z', undefined],
  ['2024-13-01T00:00:00Z', undefined],
  ['2024-01-01T24:00:00Z', undefined],
  ['2024-01-01T00:00:00+19:00', undefined],
  ['01-01-2024 00:00:00.000PST', undefined],
  ['1704067200000', undefined],
  ['', undefined],
];

for (const [text, expected] of cases) {
  test(`start '${text}' → ${expected}`, () => {
    const ms = parseStartTime(text);
    assert.equal(ms === undefined ? undefined : new Date(ms).toISOString(), expected);
  });
}

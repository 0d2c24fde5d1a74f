import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { isValidTimezone, offsetMs, transitionBetween } from './time-zone';

const HOUR = 3_600_000;

describe('isValidTimezone', () => {
  const cases: [string, boolean][] = [
    ['UTC', true],
    ['America/Los_Angeles', true],
    ['US/Pacific', true],
    ['Asia/Kolkata', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus', false],
    ['PST8PDTX', false],
    ['', false],
    [' ', false],
  ];
  for (const [zone, ok] of cases) test(`'${zone}' → ${ok}`, () => assert.equal(isValidTimezone(zone), ok));
});

describe('offsetMs', () => {
  const cases: [string, string, number][] = [
    ['UTC', '2024-03-10T10:00:00Z', 0],
    ['America/Los_Angeles', '2024-03-10T09:59:59Z', -8 * HOUR],
    ['America/Los_Angeles', '2024-03-10T10:00:00Z', -7 * HOUR],
    ['America/Los_Angeles', '2024-11-03T08:59:59Z', -7 * HOUR],
    ['America/Los_Angeles', '2024-11-03T09:00:00Z', -8 * HOUR],
    ['Asia/Kolkata', '2024-01-01T00:00:00Z', 5.5 * HOUR],
    ['Australia/Lord_Howe', '2024-01-01T00:00:00Z', 11 * HOUR],
    ['Australia/Lord_Howe', '2024-07-01T00:00:00Z', 10.5 * HOUR],
  ];
  for (const [zone, instant, expected] of cases) {
    test(`${zone} at ${instant}`, () => assert.equal(offsetMs(Date.parse(instant), zone), expected));
  }
});

describe('transitionBetween', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['America/Los_Angeles', '2024-03-10T07:00:00Z', '2024-03-10T12:00:00Z', '2024-03-10T10:00:00.000Z'],
    ['America/Los_Angeles', '2024-11-03T07:00:00Z', '2024-11-03T12:00:00Z', '2024-11-03T09:00:00.000Z'],
    ['America/Los_Angeles', '2024-06-01T00:00:00Z', '2024-06-01T05:00:00Z', undefined],
    ['UTC', '2024-03-10T07:00:00Z', '2024-03-10T12:00:00Z', undefined],
  ];
  for (const [zone, from, to, expected] of cases) {
    test(`${zone} in (${from}, ${to}]`, () => {
      const t = transitionBetween(Date.parse(from), Date.parse(to), zone);
      assert.equal(t === undefined ? undefined : new Date(t).toISOString(), expected);
    });
  }
});

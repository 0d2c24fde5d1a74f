import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { fuzzyDelayMs } from './fuzzy-delay';

test('the same key gives the same delay, in [0, max)', () => {
  for (let i = 0; i < 200; i++) {
    const key = `wf.demo:3f2a9c0d1e4b5a67:${1_704_067_200_000 + i * 3_600_000}`;
    const d = fuzzyDelayMs(key, 30_000);
    assert.equal(d, fuzzyDelayMs(key, 30_000));
    assert.ok(Number.isInteger(d) && d >= 0 && d < 30_000, `${d}`);
  }
});

test('different fires spread over the window', () => {
  const delays = Array.from({ length: 1000 }, (_, i) => fuzzyDelayMs(`wf:t:${i}`, 60_000));
  const buckets = [0, 0, 0, 0];
  for (const d of delays) buckets[Math.floor(d / 15_000)]!++;
  for (const b of buckets) assert.ok(b > 180 && b < 320, `uneven: ${buckets}`);
});

test('pinned values: replicas running different releases must still agree', () => {
  // The first 48 bits of SHA-256("a") are 0xca978112ca1b; 0xca978112ca1b / 2^48 * 1e6 = 791374.2.
  const pinned: [string, number][] = [
    ['a', 791_374],
    ['b', 242_735],
    ['wf.demo:abc:1704067200000', 71_311],
  ];
  for (const [key, delay] of pinned) assert.equal(fuzzyDelayMs(key, 1_000_000), delay, key);
});

const cases: [number, number][] = [
  [0, 0],
  [-5, 0],
  [Number.NaN, 0],
  [1, 0],
  [0.9, 0],
];
for (const [max, expected] of cases) {
  test(`max ${max} → ${expected}`, () => assert.equal(fuzzyDelayMs('any', max), expected));
}

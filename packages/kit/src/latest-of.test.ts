import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { latestOf } from './latest-of';

test('latestOf finds the end of a gapless range from any hint, in O(log) lookups', async () => {
  for (const n of [0, 1, 2, 7, 64, 1000]) {
    for (const hint of [0, 1, Math.floor(n / 2), n, n + 5]) {
      let lookups = 0;
      const exists = async (k: number) => {
        lookups++;
        return k >= 1 && k <= n;
      };
      assert.equal(await latestOf(exists, hint), n, `n=${n} hint=${hint}`);
      assert.ok(lookups <= 2 * Math.log2(n + 2) + 4, `n=${n} hint=${hint}: ${lookups} lookups`);
    }
  }
  // Ranges that start at 0 (decision logs): -1 when empty.
  assert.equal(await latestOf(async () => false, 0, 0), -1);
  assert.equal(await latestOf(async (k) => k >= 0 && k <= 3, 0, 0), 3);
});

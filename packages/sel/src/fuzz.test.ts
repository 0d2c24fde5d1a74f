import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { FUZZ_LIMITS, runFuzz } from './fuzz';

test('fuzz: 4,000 random and mutated programs (seed 20240601) never crash, escape or overrun', () => {
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;
  const stats = runFuzz(20240601, 4000);
  assert.deepEqual(stats.crashes, []);
  assert.equal(stats.ok + stats.selErrors, stats.cases);
  assert.ok(stats.maxMs < FUZZ_LIMITS.timeoutMs + 500, `slowest case ${stats.maxMs} ms`);
  assert.equal(Object.getOwnPropertyNames(Object.prototype).length, protoKeys);
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { triggerIdOf } from './trigger-id';

test('16 hex characters', () => {
  assert.match(triggerIdOf({ type: 'CRON', cron: '0 * * * *' }), /^[0-9a-f]{16}$/);
});

test('key order and undefined fields do not change the id', () => {
  assert.equal(
    triggerIdOf({
      type: 'CRON',
      cron: '0 * * * *',
      timezone: 'UTC',
      nested: { b: 1, a: [1, { y: 2, x: 1 }] },
    }),
    triggerIdOf({
      nested: { a: [1, { x: 1, y: 2 }], b: 1 },
      timezone: 'UTC',
      cron: '0 * * * *',
      type: 'CRON',
      z: undefined,
    }),
  );
});

test('any change to the trigger changes the id', () => {
  const base = { type: 'CRON', cron: '0 * * * *', timezone: 'UTC' };
  const ids = new Set([
    triggerIdOf(base),
    triggerIdOf({ ...base, cron: '0 0 * * *' }),
    triggerIdOf({ ...base, timezone: 'US/Pacific' }),
    triggerIdOf({ ...base, fuzzy_max_delay: '30s' }),
    triggerIdOf([base]),
  ]);
  assert.equal(ids.size, 5);
});

test('pinned: an id must not change between releases', () => {
  // sha256('{"cron":"0 * * * *","type":"CRON"}'), first 16 hex characters.
  assert.equal(triggerIdOf({ type: 'CRON', cron: '0 * * * *' }), 'd2c7f2464f776f7e');
});

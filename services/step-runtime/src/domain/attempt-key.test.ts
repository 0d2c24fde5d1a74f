import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { isAttemptKey } from './attempt-key.js';

test('attempt keys: top-level and nested shapes pass; anything else does not', () => {
  for (const k of ['wf:1:1:a:1', 'etl.daily:12:3:load:2', 'wf:1:1:loop:4:body:1', 'wf:1:2:sub-wf:1:s_1:3'])
    assert.ok(isAttemptKey(k), k);
  for (const k of [
    '',
    'anything',
    'wf:1:1',
    'wf:1:1:a',
    'wf:x:1:a:1',
    'wf:1:1:a:1 ',
    'w f:1:1:a:1',
    'wf:1:1::1',
  ])
    assert.ok(!isAttemptKey(k), k);
  assert.ok(!isAttemptKey(`wf:1:1:${'a'.repeat(1100)}:1`), 'too long');
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { isRunnableType } from './dispatch.js';

test('isRunnableType: the runner types only', () => {
  assert.equal(isRunnableType('SHELL'), true);
  assert.equal(isRunnableType('PYTHON'), true);
  assert.equal(isRunnableType('SQL'), true);
  assert.equal(isRunnableType('HTTP'), true);
  assert.equal(isRunnableType('NOTEBOOK'), true);
  assert.equal(isRunnableType('KUBERNETES'), false);
  assert.equal(isRunnableType('NOOP'), false);
});

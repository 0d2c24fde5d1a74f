import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { streamsOf } from './work-queue.js';

test('streamsOf reads XREADGROUP replies of RESP2 and RESP3 alike', () => {
  const e1 = ['1-0', ['a', '{}']] as [string, string[]];
  const e2 = ['2-0', ['a', '[]']] as [string, string[]];
  const want = [
    ['s', [e1]],
    ['t', [e2]],
  ];
  assert.deepEqual(
    streamsOf([
      ['s', [e1]],
      ['t', [e2]],
    ]),
    want,
  );
  assert.deepEqual(streamsOf(['s', [e1], 't', [e2]]), want);
  assert.deepEqual(streamsOf({ s: [e1], t: [e2] }), want);
  assert.deepEqual(
    streamsOf(
      new Map([
        ['s', [e1]],
        ['t', [e2]],
      ]),
    ),
    want,
  );
  assert.deepEqual(streamsOf(null), []);
  assert.deepEqual(streamsOf([]), []);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@jest/globals';
import * as schedule from './index';

// The README's walkthrough runs here, so what it promises cannot drift from the code.
test('README walkthrough prints what its comments say', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(code, 'README has a js block');
  const expected = [...code.matchAll(/^\/\/ → (.*)$/gm)].map((m) => m[1]);
  const printed: string[] = [];
  const log = (...args: unknown[]) => {
    for (const a of args) printed.push(JSON.stringify(a));
  };
  const requireSchedule = (name: string) => {
    assert.equal(name, '@baton/schedule');
    return schedule;
  };
  new Function('require', 'console', code)(requireSchedule, { log });
  assert.deepEqual(printed, expected);
});

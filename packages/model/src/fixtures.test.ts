import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from '@jest/globals';
import { parsePushRequest } from './push-request';

// The compiled test runs from packages/model/dist; the fixtures live at the repository root.
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'test', 'fixtures', 'definitions'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('test/fixtures/definitions not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

const root = repoRoot();
const fixtures = join(root, 'test', 'fixtures', 'definitions');
const definitions = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expect.json'))
    .sort();

interface Expected {
  field: string;
  contains: string;
}

describe('valid fixtures', () => {
  const dir = join(fixtures, 'valid');
  test('there are at least 15', () => assert.ok(definitions(dir).length >= 15));
  for (const file of definitions(dir)) {
    test(file, () => {
      const r = parsePushRequest(readFileSync(join(dir, file), 'utf8'));
      assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.violations, null, 1));
    });
  }
});

describe('examples', () => {
  const dir = join(root, 'examples');
  for (const file of definitions(dir)) {
    test(file, () => {
      const r = parsePushRequest(readFileSync(join(dir, file), 'utf8'));
      assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.violations, null, 1));
      assert.match(r.request.workflow.id, /^demo\./);
    });
  }
});

describe('invalid fixtures', () => {
  const dir = join(fixtures, 'invalid');
  test('there are at least 40', () => assert.ok(definitions(dir).length >= 40));
  for (const file of definitions(dir)) {
    test(file, () => {
      const expected: Expected[] = JSON.parse(
        readFileSync(join(dir, file.replace(/\.json$/, '.expect.json')), 'utf8'),
      );
      const r = parsePushRequest(readFileSync(join(dir, file), 'utf8'));
      assert.equal(r.ok, false, 'expected violations');
      if (r.ok) return;
      for (const e of expected) {
        assert.ok(
          r.violations.some((v) => v.field === e.field && v.description.includes(e.contains)),
          `missing ${JSON.stringify(e)} in ${JSON.stringify(r.violations, null, 1)}`,
        );
      }
      assert.equal(r.violations.length, expected.length, JSON.stringify(r.violations, null, 1));
    });
  }
});

// npm run check refuses an import its workspace does not declare (scripts/check-deps.mjs), so a
// package that works only because the monorepo hoists its dependencies cannot land.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import { repoRoot } from '../k8s/stack';

function workspace(pkg: object, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'baton-deps-'));
  const dir = join(root, 'packages', 'thing');
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(root, 'services'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@x/thing', ...pkg }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'src', name), text);
  return root;
}

function check(root: string) {
  return spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'check-deps.mjs'), root], {
    encoding: 'utf8',
  });
}

test('an undeclared import fails the check, naming the file and the package', () => {
  const root = workspace(
    { dependencies: { yaml: '^2' }, devDependencies: { pino: '^10' } },
    {
      'a.ts':
        "import { parse } from 'yaml';\nimport { readFileSync } from 'node:fs';\nimport { x } from './b';\nimport path from 'path';\n",
      'b.ts': "import type { Logger } from 'pino';\nexport const x = require('lodash/get');\n",
      'b.test.ts': "import pino from 'pino';\nimport { z } from '@scope/pkg/sub';\n",
    },
  );
  const r = check(root);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /packages\/thing\/src\/b\.ts: imports pino, not in packages\/thing\/package\.json \(it is only a devDependency\)/,
  );
  assert.match(r.stderr, /b\.ts: imports lodash,/);
  assert.match(r.stderr, /b\.test\.ts: imports @scope\/pkg,/);
  assert.doesNotMatch(r.stderr, /imports (yaml|path|node:fs)/);
  assert.doesNotMatch(r.stderr, /b\.test\.ts: imports pino/, 'a test may use a devDependency');
  assert.match(r.stderr, /3 undeclared import/);
});

test('build-time code (scripts/, web/) may use devDependencies; it must still declare them', () => {
  const root = workspace({ devDependencies: { esbuild: '^0.28' } }, {});
  const dir = join(root, 'packages', 'thing');
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'web', 'src'), { recursive: true });
  writeFileSync(join(dir, 'scripts', 'build.mjs'), "import { build } from 'esbuild';\n");
  writeFileSync(join(dir, 'web', 'src', 'main.tsx'), "import { render } from 'preact';\n");
  const r = check(root);
  assert.equal(r.status, 1);
  assert.doesNotMatch(r.stderr, /esbuild/, 'a build script may use a devDependency');
  assert.match(r.stderr, /packages\/thing\/web\/src\/main\.tsx: imports preact,/);
  assert.match(r.stderr, /1 undeclared import/);
});

test('the repository itself passes', () => {
  const r = check(repoRoot());
  assert.equal(r.status, 0, r.stderr);
});

#!/usr/bin/env node
// Runs the compiled tests with Jest (jest.config.js) and ends with the plain line
// "N passed, N failed" that CI reads (it does not understand Jest's own summary).
//   --unit          only the unit tier: in-process tests next to the code (packages/*, services/*)
//   --integration   only the tests next to the code that start processes or servers
//   --e2e           only the cross-service suites under test/
//   <filter>        any other argument keeps only files whose path contains it
// Tier flags combine; none means every tier.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compiledFiles, root } from './compiled-files.mjs';

const args = process.argv.slice(2);
const tiers = ['unit', 'integration', 'e2e'].filter((t) => args.includes(`--${t}`));
const filters = args.filter((a) => !a.startsWith('--'));
const literal = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// tsc -b never deletes the output of a source that was removed or renamed (a unit test renamed
// *.integration.test.ts, say): such a compiled test would still run, so it goes.
for (const file of compiledFiles('.test.js')) {
  const source = file
    .replace(/^test\/dist\//, 'test/src/')
    .replace('/dist-test/', '/')
    .replace(/\.js$/, '.ts');
  if (existsSync(join(root, source))) continue;
  console.log(`removing ${file}: its source ${source} is gone`);
  for (const ext of ['.js', '.js.map', '.d.ts', '.d.ts.map'])
    rmSync(join(root, file.replace(/\.js$/, ext)), { force: true });
}

mkdirSync(join(root, '.tmp'), { recursive: true });
// One results file per run, so concurrent runs cannot overwrite each other's counts.
const resultsFile = join(root, '.tmp', `tests-${process.pid}.json`);
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');
const child = spawn(
  process.execPath,
  [
    // jose (JWT) is ESM-only; the code loads it with import(), which Jest serves only with this.
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    jestBin,
    '--json',
    `--outputFile=${resultsFile}`,
    // One file at a time, as node --test did on this 2-core machine (availableParallelism() - 1):
    // e2e files each start a whole stack. The unit tier alone may use both cores.
    `--maxWorkers=${tiers.length === 1 && tiers[0] === 'unit' ? 2 : 1}`,
    // A file that leaves a handle open must not hang CI; the stacks stop in their afterAll.
    '--forceExit',
    // Filters first: --selectProjects takes every argument after it.
    ...filters.map(literal),
    ...(tiers.length ? ['--selectProjects', ...tiers] : []),
  ],
  { cwd: root, stdio: ['inherit', 'inherit', 'inherit'], env: { ...process.env, BATON_TEST: '1' } },
);
child.on('exit', (code, signal) => {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let ok = false;
  if (existsSync(resultsFile)) {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed = r.numPassedTests;
    // A file that fails outside any test (a load error, a failing beforeAll with no tests run)
    // counts as one failure so it cannot vanish from the count.
    failed =
      r.numFailedTests +
      r.testResults.filter(
        (f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed'),
      ).length;
    skipped = r.numPendingTests + r.numTodoTests;
    ok = r.success;
    rmSync(resultsFile, { force: true });
  }
  // Jest itself died (killed, out of memory, a config error) with no results, or with results yet a
  // failing exit: never let that read as a clean count.
  if ((code || signal) && failed === 0) {
    failed = 1;
    console.error(`jest ended with ${signal ?? `code ${code}`} and no failed test to show for it`);
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
  process.exit(code || (signal ? 1 : 0) || (ok && failed === 0 ? 0 : 1));
});

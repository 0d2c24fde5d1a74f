#!/usr/bin/env node
// Runs every compiled test file with node's own test runner and ends with the
// plain line "N passed, N failed" that CI reads.
//   --unit      only the pure unit tests next to the code (packages/*, services/*)
//   --e2e       only the cross-service suites under test/
//   <filter>    any other argument keeps only files whose path contains it
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compiledFiles, root } from './compiled-files.mjs';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const e2eOnly = args.includes('--e2e');
const filters = args.filter((a) => !a.startsWith('--'));
const selected = compiledFiles('.test.js', { units: !e2eOnly, suites: !unitOnly, filters });

if (selected.length === 0) {
  console.error('no test files found (did the build run?)');
  process.exit(1);
}

mkdirSync(join(root, '.tmp'), { recursive: true });
// One TAP file per run, so concurrent runs cannot overwrite each other's counts.
const tapFile = join(root, '.tmp', `tests-${process.pid}.tap`);
const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...selected,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, BATON_TEST: '1' } },
);
child.on('exit', (code, signal) => {
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (key) => Number((tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped');
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
  rmSync(tapFile, { force: true });
  process.exit(code ?? (signal ? 1 : 0));
});

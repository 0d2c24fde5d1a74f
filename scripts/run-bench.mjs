#!/usr/bin/env node
// `npm run bench`: runs each compiled benchmark (*.bench.js) in its own process,
// one after another (they measure; they must not compete for the 2 cores).
// Each prints a table and writes bench-results/<name>.json.
//   node scripts/run-bench.mjs [filter...]
import { spawnSync } from 'node:child_process';
import { compiledFiles, root } from './compiled-files.mjs';

const selected = compiledFiles('.bench.js', { filters: process.argv.slice(2) });
let failed = 0;
for (const file of selected) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, [file], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`benchmark ${file} failed (exit ${r.status})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);

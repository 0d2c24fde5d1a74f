#!/usr/bin/env node
// `npm run bench`: runs each compiled benchmark (*.bench.js) in its own process,
// one after another (they measure; they must not compete for the 2 cores).
// Each prints a table and writes bench-results/<name>.json.
//   node scripts/run-bench.mjs [filter...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.bench.js')) out.push(p);
  }
  return out;
}

const files = [];
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(join(root, group))) walk(join(root, group, name, 'dist'), files);
}
walk(join(root, 'test', 'dist'), files);
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)));
let failed = 0;
for (const file of selected.sort()) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, [file], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`benchmark ${file} failed (exit ${r.status})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);

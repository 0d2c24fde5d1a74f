#!/usr/bin/env node
// Every package imported by a workspace's sources is declared in that workspace's package.json:
// a workspace must install and run on its own (published SDK, a service's image), not only
// because the monorepo's root happens to hoist the package. Code (src/, bin/, not tests) must name it
// in `dependencies`; tests and test helpers may use `devDependencies` too, and so may what runs or is
// bundled at build time only: a workspace's scripts/ (e.g. the console's esbuild step) and web/ (the
// browser app esbuild bundles), which a production install never runs. Imports of node's own
// modules and relative paths are skipped. Exits 1 listing each undeclared import with its file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

// The repository root; a test passes another folder laid out the same way.
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const builtins = new Set(builtinModules);

/** Source files under dir (.ts, .tsx, .mts, .cts, .js, .jsx, .mjs, .cjs), skipping build output and deps. */
function* sources(dir) {
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'dist', 'dist-test', 'gen-cache'].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(c|m)?(t|j)sx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** The package names a file imports (import/export from, import(), require()). */
function importsOf(text) {
  const names = new Set();
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) names.add(m[1]);
  return [...names]
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !builtins.has(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
}

const isTest = (file) => /\.test\.[cm]?[tj]s$/.test(file) || /\/test\//.test(file);
/** Build-time sources of a workspace (its scripts/ and web/ folders): devDependencies suffice. */
const BUILD_TIME = new Set(['scripts', 'web']);

const problems = [];
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const deps = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ]);
    const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
    for (const sub of ['src', 'test', 'bin', 'scripts', 'web']) {
      let files;
      try {
        files = [...sources(join(dir, sub))];
      } catch {
        continue;
      }
      for (const file of files) {
        const test = isTest(file) || BUILD_TIME.has(sub);
        for (const dep of importsOf(readFileSync(file, 'utf8'))) {
          if (dep === pkg.name || deps.has(dep) || (test && devDeps.has(dep))) continue;
          const where = devDeps.has(dep) ? ' (it is only a devDependency)' : '';
          problems.push(
            `${relative(root, file)}: imports ${dep}, not in ${group}/${name}/package.json${where}`,
          );
        }
      }
    }
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} undeclared import(s): npm install -w <workspace> <package>`);
  process.exit(1);
}
console.log('every import is declared by its workspace');

// Finds compiled files by suffix (*.test.js, *.bench.js) in the places the build
// writes them: packages/*/dist-test, services/*/dist-test (unit tests and benches, compiled apart from dist) and test/dist. Paths come back
// relative to the repo root, sorted, keeping those that contain any of `filters`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

function walk(dir, suffix, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, suffix, out);
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

/** `units`: packages/services dist-test folders; `suites`: test/dist. */
export function compiledFiles(suffix, { units = true, suites = true, filters = [] } = {}) {
  const files = [];
  if (units) {
    for (const group of ['packages', 'services']) {
      for (const name of readdirSync(join(root, group)))
        walk(join(root, group, name, 'dist-test'), suffix, files);
    }
  }
  if (suites) walk(join(root, 'test', 'dist'), suffix, files);
  return files
    .map((f) => relative(root, f))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
}

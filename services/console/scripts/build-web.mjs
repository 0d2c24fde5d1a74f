// Bundles the browser app (web/src/main.tsx) with esbuild into dist/web/, beside index.html and
// the stylesheet, where the console server reads them at start. Run by the root `npm run build`.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
const started = Date.now();
await build({
  entryPoints: [join(root, 'web', 'src', 'main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(join(root, 'web', 'index.html'), join(out, 'index.html'));
// One stylesheet: the app's, then the DAG component's own (web/src/dag/dag.css).
const css = ['app.css', join('src', 'dag', 'dag.css')].map((f) => readFileSync(join(root, 'web', f), 'utf8'));
writeFileSync(join(out, 'app.css'), css.join('\n'));
console.log(`console web app built in ${Date.now() - started} ms`);

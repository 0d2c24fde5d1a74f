#!/usr/bin/env node
// Static checks CI runs before the tests:
//   1. biome (lint + format)   2. import boundaries and cycles (dependency-cruiser)
//   3. buf lint                4. generated proto code is what proto/ produces
//   5. buf breaking against main (against the previous commit when on main itself)
//   6. tools/baton-isolate: go vet and its go tests (~3 s; most need root and skip without it)
//   7. every import is declared in its workspace's package.json (scripts/check-deps.mjs)
//   8. nothing refers to the team's notes outside the repository (docs/ carries the truth)
//   9. the Go and Python clients: their generated stubs are what proto/ produces (~3 s), go vet,
//      and their wrappers' unit tests (go test, python3 -m unittest; ~2 s warm)
import { execFileSync, spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => `${root}node_modules/.bin/${name}`;
let failed = 0;

function step(title, cmd, args, cwd = root) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${title} (${Date.now() - started} ms)`);
  if (!ok) failed++;
}

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

step('biome check', bin('biome'), ['check', '.']);
step('import boundaries', bin('depcruise'), ['--config', '.dependency-cruiser.cjs', 'packages', 'services']);
step('declared dependencies', 'node', ['scripts/check-deps.mjs']);
step('buf lint', bin('buf'), ['lint', 'proto']);
step('proto codegen', 'node', ['scripts/gen-proto.mjs']);
step('generated code is committed', 'git', ['diff', '--exit-code', '--stat', '--', 'packages/proto/src/gen']);

let against = process.env.BUF_BREAKING_AGAINST;
if (!against) {
  let branch = '';
  try {
    branch = git('rev-parse', '--abbrev-ref', 'HEAD');
  } catch {}
  const onMain = branch === 'main' || branch === 'HEAD';
  const ref = onMain ? 'HEAD~1' : 'main';
  let hasProto = false;
  try {
    hasProto = git('ls-tree', '--name-only', ref, 'proto') !== '';
  } catch {}
  against = hasProto ? `.git#ref=${ref},subdir=proto` : '';
}
if (against) step(`buf breaking against ${against}`, bin('buf'), ['breaking', 'proto', '--against', against]);
else console.log('skip buf breaking (no earlier proto/ to compare with)');

{
  // git grep exits 1 when nothing matches: that is the pass.
  const r = spawnSync(
    'git',
    [
      'grep',
      '-nE',
      String.raw`\.\./shared/|DESIGN(\.md| §)|STYLE\.md|TOOLCHAIN\.md`,
      '--',
      '.',
      ':!scripts/check.mjs',
    ],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const ok = r.status === 1;
  if (!ok) console.error(r.stdout || r.stderr);
  console.log(`${ok ? 'ok  ' : 'FAIL'} no references outside the repository`);
  if (!ok) failed++;
}

const isolate = `${root}tools/baton-isolate`;
step('baton-isolate go vet', 'go', ['vet', './...'], isolate);
step('baton-isolate go test', 'go', ['test', '-count=1', './...'], isolate);

const generatedClients = [
  'clients/go/gen',
  'clients/python/baton',
  'clients/python/baton_client/_rpc_descriptors.py',
];
step('client codegen', 'bash', ['scripts/gen-clients.sh']);
// status, not diff: a file the generator adds (a new .proto) is untracked, and diff misses it.
const stale = git('status', '--porcelain', '--', ...generatedClients);
console.log(`${stale ? 'FAIL' : 'ok  '} generated client code is committed`);
if (stale) {
  console.log(stale);
  failed++;
}
step('Go client go vet', 'go', ['vet', './...'], `${root}clients/go`);
step('Go client go test', 'go', ['test', '-count=1', './...'], `${root}clients/go`);
step(
  'Python client unittest',
  '/usr/bin/python3',
  ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'],
  `${root}clients/python`,
);

if (failed > 0) {
  console.error(`${failed} check(s) failed`);
  process.exit(1);
}

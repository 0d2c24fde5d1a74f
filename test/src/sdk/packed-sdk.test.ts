// @baton/sdk and @baton/proto are publishable: packed with npm pack and installed into an empty
// project outside the repository, the SDK README's quick start runs against a real stack — so the
// tarballs hold everything a user needs (exports, types, the protocol) and the README does not rot.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { repoRoot } from '../k8s/stack';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition', 'scheduler', 'step-runtime'] });
const root = repoRoot();
const work = mkdtempSync(join(tmpdir(), 'baton-packed-sdk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The README block the quick start marker points at. */
function quickStart(): string {
  const readme = readFileSync(join(root, 'packages', 'sdk', 'README.md'), 'utf8');
  const m = /<!-- quickstart:[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'the SDK README has its quick start block');
  return m[1]!;
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
}

describe('the packed TypeScript SDK', () => {
  test('installs into an empty project and runs the README quick start to SUCCEEDED', () => {
    const packs = join(work, 'packs');
    mkdirSync(packs);
    for (const pkg of ['proto', 'sdk'])
      npm(['pack', '--pack-destination', packs], join(root, 'packages', pkg));
    const tarballs = readdirSync(packs).map((f) => join(packs, f));
    assert.equal(tarballs.length, 2);
    // What ships: the compiled entry points and types, the license, no tests and no sources.
    for (const t of tarballs) {
      const files = execFileSync('tar', ['-tzf', t], { encoding: 'utf8' }).split('\n');
      assert.ok(files.includes('package/dist/index.js') && files.includes('package/dist/index.d.ts'), t);
      assert.ok(files.includes('package/LICENSE') && files.includes('package/README.md'), t);
      assert.ok(!files.some((f) => /\.test\.|\/src\/|dist-test/.test(f)), `no tests or sources in ${t}`);
    }
    const project = join(work, 'app');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, version: '1.0.0' }),
    );
    // The registry's packages come from npm's cache when they are there (CI ran npm ci before).
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], project);
    writeFileSync(join(project, 'hello.mjs'), quickStart());
    const r = spawnSync(process.execPath, ['hello.mjs', join(root, 'examples', 'hello-world.json')], {
      cwd: project,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env.stack.clientEnv },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^pushed demo\.hello_world version \d+$/m);
    assert.match(r.stdout, /^SUCCEEDED$/m);
    // The exports map lets nothing but the entry point in.
    const deep = spawnSync(process.execPath, ['-e', "require('@baton/sdk/dist/connect')"], {
      cwd: project,
      encoding: 'utf8',
    });
    assert.notEqual(deep.status, 0);
    assert.match(deep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type Stack, startStack } from '@baton/testing';
import { repoRoot } from '../support/repo';

// The Go and Python clients' examples, run as real processes against hermetic stacks: plaintext
// (as `npm start` runs) and secure (TLS with the stack's CA, auth with its admin token).

const goDir = join(repoRoot, 'clients', 'go');
const pyDir = join(repoRoot, 'clients', 'python');
const python = '/usr/bin/python3';

function missingTools(): string | undefined {
  if (spawnSync('go', ['version']).status !== 0) return 'go is not on PATH';
  if (spawnSync(python, ['-c', 'import grpc_tools.protoc, grpc']).status !== 0)
    return 'python3-grpc-tools is not installed (scripts/install-tools.sh)';
  return undefined;
}
const skip = missingTools() ?? false;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeout = 60_000,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, timeout }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let workDir = '';
let goHello = '';

const examples = {
  go: (env: Record<string, string>, args: string[] = []) => run(goHello, args, env, goDir),
  python: (env: Record<string, string>, args: string[] = []) =>
    run(python, ['examples/hello.py', ...args], { ...env, PYTHONPATH: pyDir }, pyDir),
};

function assertSucceeded(name: string, r: Run): void {
  const out = `${name} exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  assert.equal(r.code, 0, out);
  assert.match(r.stdout, /^pushed demo\.hello_\w+ v\d+/m, out);
  assert.match(r.stdout, /^started demo\.hello_\w+ instance \d+ run \d+/m, out);
  assert.match(r.stdout, /^instance \d+ SUCCEEDED$/m, out);
}

if (skip) console.warn(`skipping the Go and Python client examples: ${skip}`);

(skip ? describe.skip : describe)('Go and Python client examples', () => {
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'baton-clients-'));
    goHello = join(workDir, 'hello-go');
    // The default GOCACHE and module cache (install-tools.sh ran go mod download; npm run check's go
    // vet compiled the packages): warm in CI. A cold cache compiles grpc, hence the long timeout.
    const built = await run('go', ['build', '-o', goHello, './examples/hello'], {}, goDir, 600_000);
    assert.equal(built.code, 0, `go build: ${built.stderr}`);
  });
  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  describe('plaintext stack', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ env: { LOG_LEVEL: 'warn' } });
    });
    afterAll(async () => {
      await stack?.stop();
    });

    test('both examples push, start and watch a run to SUCCEEDED', async () => {
      const [go, py] = await Promise.all([examples.go(stack.clientEnv), examples.python(stack.clientEnv)]);
      assertSucceeded('go', go);
      assertSucceeded('python', py);
      assert.match(go.stdout, /^pushed demo\.hello_go /m);
      assert.match(py.stdout, /^pushed demo\.hello_python /m);
    });

    test('an invalid definition: both exit 1 listing the field violation the service sent', async () => {
      const file = join(
        repoRoot,
        'test',
        'fixtures',
        'definitions',
        'invalid',
        'backoff-fixed-with-exponent.json',
      );
      const field = 'workflow.steps[0].step.retry_policy.backoff.error_retry_exponent';
      for (const [name, r] of await Promise.all([
        examples.go(stack.clientEnv, [file]).then((r) => ['go', r] as const),
        examples.python(stack.clientEnv, [file]).then((r) => ['python', r] as const),
      ])) {
        assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /InvalidArgument|INVALID_ARGUMENT/, `${name}: ${r.stderr}`);
        assert.ok(r.stderr.includes(`  - ${field}: `), `${name}: ${r.stderr}`);
      }
    });
  });

  describe('secure stack (TLS and an admin token)', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ env: { LOG_LEVEL: 'warn' }, security: 'secure' });
    });
    afterAll(async () => {
      await stack?.stop();
    });

    test('both examples succeed with BATON_TLS_CA and BATON_TOKEN', async () => {
      assert.ok(stack.clientEnv.BATON_TLS_CA && stack.clientEnv.BATON_TOKEN, JSON.stringify(stack.clientEnv));
      const [go, py] = await Promise.all([examples.go(stack.clientEnv), examples.python(stack.clientEnv)]);
      assertSucceeded('go', go);
      assertSucceeded('python', py);
    });

    test('without the token both are refused with UNAUTHENTICATED', async () => {
      const { BATON_TOKEN: _, ...noToken } = stack.clientEnv;
      for (const [name, r] of await Promise.all([
        examples.go(noToken).then((r) => ['go', r] as const),
        examples.python(noToken).then((r) => ['python', r] as const),
      ])) {
        assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /Unauthenticated|UNAUTHENTICATED/, `${name}: ${r.stderr}`);
      }
    });
  });
});

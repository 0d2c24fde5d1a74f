import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/repo';
import type { StackFixture } from '../support/stack';

// The real `baton` command (the npm bin link) pointed at a test stack, run as a child process.

const BIN = join(repoRoot, 'node_modules', '.bin', 'baton');

export interface BatonResult {
  code: number | null;
  out: string;
  err: string;
}

function envOf(env: StackFixture): NodeJS.ProcessEnv {
  return { ...process.env, ...env.stack.clientEnv, NO_COLOR: '1', BATON_USER: 'cli-test' };
}

/** Runs baton to the end (at most `timeoutMs`). */
export function baton(env: StackFixture, args: string[], timeoutMs = 60_000): BatonResult {
  const r = spawnSync(BIN, args, { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs, env: envOf(env) });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A baton process left running: its output so far, and a promise of how it ended. */
export interface RunningBaton {
  out(): string;
  err(): string;
  interrupt(): void;
  done: Promise<BatonResult>;
}

export function batonAsync(env: StackFixture, args: string[]): RunningBaton {
  const child = spawn(BIN, args, { cwd: repoRoot, env: envOf(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const done = new Promise<BatonResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
  return { out: () => out, err: () => err, interrupt: () => child.kill('SIGINT'), done };
}

/** Pushes a workflow definition through `baton push -`. */
export function pushWorkflow(env: StackFixture, workflow: unknown): void {
  const r = spawnSync(BIN, ['push', '-'], {
    cwd: repoRoot,
    encoding: 'utf8',
    input: JSON.stringify({ workflow }),
    env: envOf(env),
  });
  if (r.status !== 0) throw new Error(`push failed (${r.status}): ${r.stderr}`);
}

/** The instance number in `started <wf> instance N run R`. */
export function instanceOf(startOutput: string): string {
  const m = /started \S+ instance (\d+) run (\d+)/.exec(startOutput);
  if (!m) throw new Error(`no "started … instance N" in: ${startOutput}`);
  return m[1];
}

// Step builders shared with the scheduler suites.
export { noop, sleep } from '../scheduler/support';

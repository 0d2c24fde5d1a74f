import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './repo';

export const grpcurlBin = join(repoRoot, '.baton', 'bin', 'grpcurl');

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real grpcurl binary (installed by scripts/install-tools.sh). */
export function grpcurl(args: string[], input?: string): CommandResult {
  const r = spawnSync(grpcurlBin, args, { input, encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a bash snippet from the repo root with .baton/bin first on PATH. */
export function bash(script: string): CommandResult {
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PATH: `${join(repoRoot, '.baton', 'bin')}:${process.env.PATH}` },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

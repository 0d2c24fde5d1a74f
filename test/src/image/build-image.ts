// Runs scripts/build-image.sh: it builds the image, or finds every layer cached and only tags it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface BuiltImage {
  image: string;
  /** The Podman store (its dir) the image was built into. */
  store: string;
  /** What the script printed (its step timings). */
  log: string;
}

export function buildImage(repoRoot: string, timeoutMs: number): Promise<BuiltImage> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'scripts', 'build-image.sh')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = /^image: (\S+) store: (\S+)$/m.exec(log);
      if (code === 0 && last) resolve({ image: last[1], store: last[2], log });
      else reject(new Error(`scripts/build-image.sh failed (${signal ?? code}):\n${log.slice(-6000)}`));
    });
  });
}

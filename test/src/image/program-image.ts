// An image holding one program of this machine and the shared libraries it loads (as ldd lists
// them), for a server that has no image here: no registry is reachable, and Redis is no part of
// Baton's image. It runs the machine's own build, so it behaves as in the other suites.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PodmanStore } from './podman-store';

/** The absolute paths ldd resolves for `program` (its libraries and the dynamic loader). */
export function sharedLibraries(program: string): string[] {
  const out = execFileSync('ldd', [program], { encoding: 'utf8' });
  const paths: string[] = [];
  for (const line of out.split('\n')) {
    // "\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x…)" or "\t/lib64/ld-linux-x86-64.so.2 (0x…)"
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (m) paths.push(m[1]);
  }
  return paths;
}

export async function importProgramImage(
  store: PodmanStore,
  program: string,
  tag: string,
  workDir: string,
): Promise<void> {
  const rootfs = join(workDir, 'rootfs');
  // copyFileSync follows symlinks: each file lands under the name the loader asks for.
  for (const path of [program, ...sharedLibraries(program)]) {
    mkdirSync(join(rootfs, dirname(path)), { recursive: true });
    copyFileSync(path, join(rootfs, path));
  }
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  const tar = join(workDir, 'rootfs.tar');
  execFileSync('tar', ['--numeric-owner', '-C', rootfs, '-cf', tar, '.']);
  await store.podman(['import', tar, tag]);
}

// A private Podman serving the Docker Engine API on a unix socket in a temp dir: its own storage
// (vfs), runc, no ulimits (containers.conf), and a tiny local image made from busybox-static —
// no registry is needed. The machine's own containers stay untouched.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { type Proc, failure, makeOwnDir, removeOwnDir, startProc, stopProc } from './process';
import { waitFor } from './wait';

export interface PodmanHandle {
  /** unix://<dir>/podman.sock, for DOCKER_HOST. */
  dockerHost: string;
  socket: string;
  /** A local image holding busybox (sh, sleep, echo…): `localhost/baton-busybox:test`. */
  image: string;
  /** Runs podman against this private store (e.g. to list containers). */
  podman(args: string[]): string;
  stop(): Promise<void>;
}

export const BUSYBOX_IMAGE = 'localhost/baton-busybox:test';

/** Whether this machine has what startPodman needs (podman, runc, busybox-static). */
export function podmanAvailable(): boolean {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
    return existsSync('/bin/busybox') || existsSync('/usr/bin/busybox');
  } catch {
    return false;
  }
}

function get(socket: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function startPodman(
  opts: { dir?: string; startTimeoutMs?: number } = {},
): Promise<PodmanHandle> {
  const own = opts.dir === undefined;
  const dir = opts.dir ?? makeOwnDir('baton-podman-');
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n');
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const base = ['--root', join(dir, 'storage'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];
  const podman = (args: string[]) =>
    execFileSync('podman', [...base, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // The image: a rootfs of busybox with sh linked to it, imported (no registry involved).
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  copyFileSync(
    existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox',
    join(rootfs, 'bin', 'busybox'),
  );
  for (const tool of ['sh', 'sleep', 'echo', 'cat', 'ls', 'id', 'true', 'false'])
    if (!existsSync(join(rootfs, 'bin', tool))) symlinkSync('busybox', join(rootfs, 'bin', tool));
  const tar = join(dir, 'rootfs.tar');
  execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
  podman(['import', tar, BUSYBOX_IMAGE]);
  const socket = join(dir, 'podman.sock');
  const proc: Proc = startProc(
    'podman',
    [...base, 'system', 'service', '--time=0', `unix://${socket}`],
    'podman',
    {
      env,
    },
  );
  try {
    await waitFor(
      async () => {
        if (proc.exitInfo() !== undefined) throw failure('podman', proc, 'exited while starting');
        return (await get(socket, '/v1.41/version')) === 200;
      },
      { what: 'podman to serve the Docker API', timeoutMs: opts.startTimeoutMs ?? 30_000 },
    );
  } catch (err) {
    await stopProc(proc, 5_000);
    if (own) removeOwnDir(dir);
    throw err;
  }
  return {
    dockerHost: `unix://${socket}`,
    socket,
    image: BUSYBOX_IMAGE,
    podman,
    async stop() {
      try {
        podman(['rm', '--all', '--force']);
      } catch {
        // nothing to remove
      }
      await stopProc(proc, 10_000);
      if (own) removeOwnDir(dir);
    },
  };
}

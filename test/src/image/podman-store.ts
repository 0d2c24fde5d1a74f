// A rootful Podman store of its own in a temp dir — containers, layers and network configs — that
// sees the images of another store read-only (additionalimagestores): the store
// scripts/build-image.sh builds into. Containers of the built image start without copying it, and
// nothing of the machine's own Podman (its store, /etc/containers/networks) is touched.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PodmanStore {
  dir: string;
  /** Runs podman on this store; throws with podman's stderr when it fails. */
  podman(args: string[], timeoutMs?: number): Promise<string>;
  /** Removes every container and network of the store, then the store. Never throws. */
  remove(): void;
}

export function podmanInstalled(): boolean {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makePodmanStore(imageStore: string): PodmanStore {
  const dir = mkdtempSync(join(tmpdir(), 'baton-image-'));
  const containersConf = join(dir, 'containers.conf');
  const storageConf = join(dir, 'storage.conf');
  // runc and no default ulimits, as in packages/testing/src/podman.ts; network configs in the dir.
  writeFileSync(
    containersConf,
    `[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n` +
      `[network]\nnetwork_config_dir = ${JSON.stringify(join(dir, 'networks'))}\n`,
  );
  writeFileSync(
    storageConf,
    `[storage]\ndriver = "overlay"\ngraphroot = ${JSON.stringify(join(dir, 'storage'))}\n` +
      `runroot = ${JSON.stringify(join(dir, 'run'))}\n` +
      `[storage.options]\nadditionalimagestores = [${JSON.stringify(imageStore)}]\n`,
  );
  const env = { ...process.env, CONTAINERS_CONF: containersConf, CONTAINERS_STORAGE_CONF: storageConf };

  const removeSync = (): void => {
    for (const args of [
      ['rm', '--all', '--force', '--time', '0'],
      ['network', 'prune', '--force'],
    ]) {
      try {
        execFileSync('podman', args, { env, stdio: 'ignore', timeout: 60_000 });
      } catch {
        // nothing to remove, or podman is gone: the dir goes anyway
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A runner that exits without calling remove() (an unhandled error, Ctrl-C) must not leave
  // containers running on the machine.
  const onExit = (): void => removeSync();
  process.on('exit', onExit);

  return {
    dir,
    podman(args, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        execFile(
          'podman',
          args,
          { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
          (err, stdout, stderr) => {
            if (err) reject(new Error(`podman ${args.join(' ')} failed: ${err.message}\n${stderr}`));
            else resolve(stdout);
          },
        );
      });
    },
    remove() {
      process.removeListener('exit', onExit);
      removeSync();
    },
  };
}

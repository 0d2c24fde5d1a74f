import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One attempt's directory. `dir` is the cwd and HOME of user code; `tmp` is its TMPDIR; the
 * runner's own files (script, params, outputs) live in `.baton/` so a script that cleans its cwd
 * with `rm -f *` does not delete them by accident.
 */
export interface WorkDir {
  dir: string;
  tmp: string;
  control: string;
  paramsFile: string;
  outputFile: string;
}

/** A fresh, private (0700) directory under workRoot, named after the attempt key for debugging. */
export async function createWorkDir(workRoot: string, attemptKey: string): Promise<WorkDir> {
  await mkdir(workRoot, { recursive: true });
  const label = attemptKey.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  const dir = await mkdtemp(join(workRoot, `attempt-${label}-`));
  const control = join(dir, '.baton');
  const tmp = join(dir, 'tmp');
  await mkdir(control);
  await mkdir(tmp);
  return {
    dir,
    tmp,
    control,
    paramsFile: join(control, 'params.json'),
    outputFile: join(control, 'outputs.json'),
  };
}

/**
 * Removes the directory once the process group is gone. User code may have removed the write bit
 * from its own directories (rm would then fail with EACCES), so one retry restores it first.
 * Never throws: a leftover directory must not change the attempt's outcome.
 */
export async function removeWorkDir(dir: string): Promise<boolean> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
    return true;
  } catch {
    try {
      await makeWritable(dir);
      await rm(dir, { recursive: true, force: true, maxRetries: 2 });
      return true;
    } catch {
      return false;
    }
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}

/**
 * Hands the work dir to the step user: the dir, tmp and control dirs and the files the runner wrote
 * become theirs (still 0700/0600), so user code can write its outputs and nothing of anyone else's.
 */
export async function giveWorkDir(
  workRoot: string,
  workDir: WorkDir,
  uid: number,
  gid: number,
  files: string[],
): Promise<void> {
  // The root must be traversable by the step user but not listable: no attempt sees another's name.
  await chmod(workRoot, 0o711);
  for (const path of [workDir.dir, workDir.tmp, workDir.control, ...files]) await chown(path, uid, gid);
}

/**
 * Bytes allocated under `dir` (blocks, so sparse files count as what they use), stopping early once
 * over `limit`. Entries that vanish meanwhile are skipped; hard links count each time (conservative).
 */
export async function diskUsage(dir: string, limit: number): Promise<number> {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0 && total <= limit) {
    const d = pending.pop() as string;
    let entries: string[];
    try {
      entries = await readdir(d);
    } catch {
      continue;
    }
    for (const name of entries) {
      try {
        const st = await lstat(join(d, name));
        total += st.blocks * 512;
        if (st.isDirectory()) pending.push(join(d, name));
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}

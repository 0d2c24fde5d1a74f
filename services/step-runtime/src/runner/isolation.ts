import { execFileSync } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * How user code is confined when the service can confine it (it runs as root). A fixed-argument
 * wrapper is exec'd in front of the interpreter: our `baton-isolate` (tools/baton-isolate, one exec)
 * when it is installed, else util-linux's unshare → sh init → prlimit → setpriv (five). Either way
 * user text never passes through a shell or a format string: it is only the interpreter's argv.
 */
export interface StepIsolation {
  /** The unprivileged account user code runs as (and owns the attempt's work dir). */
  user: string;
  uid: number;
  gid: number;
  /**
   * Run the attempt in a new PID namespace. When its first process exits, the kernel kills every
   * process left in it — including ones that called setsid() or double-forked to leave the group.
   */
  pidNamespace: boolean;
  limits: StepLimits;
  /**
   * The baton-isolate binary (absolute; see `resolveIsolateBin`). Absent: the util-linux chain,
   * whose programs are looked up on the attempt's PATH.
   */
  isolateBin?: string;
}

/** Resource limits (setrlimit) of one attempt; 0 = not limited. */
export interface StepLimits {
  /** RLIMIT_CPU: CPU seconds; the kernel sends SIGXCPU, then SIGKILL. */
  cpuSeconds: number;
  /** RLIMIT_AS: address space in bytes; allocations beyond it fail (MemoryError, "cannot allocate"). */
  memoryBytes: number;
  /**
   * RLIMIT_NPROC: processes of the step user. The kernel counts every process of that uid, so with a
   * shared user it bounds all concurrent attempts of this machine together.
   */
  processes: number;
  /** RLIMIT_FSIZE: largest file user code may write, in bytes (SIGXFSZ / EFBIG beyond it). */
  fileSizeBytes: number;
}

/**
 * PID 1 of the namespace in the util-linux chain. The kernel drops signals without a handler sent to a namespace's init, so
 * the script cannot be PID 1 (a stop's SIGTERM would be ignored): this init forwards TERM to the
 * script and exits with its status. Its text is a constant; the command comes as "$@".
 */
const NAMESPACE_INIT = [
  'trap \'kill -TERM "$c" 2>/dev/null\' TERM',
  '"$@" & c=$!',
  'while :; do wait "$c"; s=$?; kill -0 "$c" 2>/dev/null || exit "$s"; done',
].join('\n');

/**
 * The argv that runs `command args` isolated. With baton-isolate: `baton-isolate --uid --gid
 * <limits> [--pidns] -- command args` (one exec; with --pidns its init is PID 1, forwards
 * SIGTERM/SIGINT/SIGHUP and reports a command killed by signal N as 128 + N, like the sh init).
 * Without: unshare → init → prlimit → setpriv → command. The outermost program is what the runner
 * spawns detached: its pid is the group id, and everything below it stays in that group.
 */
export function isolatedArgv(iso: StepIsolation, command: string, args: string[]): [string, string[]] {
  const l = iso.limits;
  if (iso.isolateBin !== undefined) {
    const flags = ['--uid', String(iso.uid), '--gid', String(iso.gid)];
    // baton-isolate makes the CPU hard limit one second above the soft one, as below.
    if (l.cpuSeconds > 0) flags.push('--cpu', String(l.cpuSeconds));
    if (l.memoryBytes > 0) flags.push('--as', String(l.memoryBytes));
    if (l.processes > 0) flags.push('--nproc', String(l.processes));
    if (l.fileSizeBytes > 0) flags.push('--fsize', String(l.fileSizeBytes));
    if (iso.pidNamespace) flags.push('--pidns');
    return [iso.isolateBin, [...flags, '--', command, ...args]];
  }
  const limits: string[] = [];
  // Soft below hard: SIGXCPU (nameable, trappable for cleanup) first, SIGKILL a second later.
  if (l.cpuSeconds > 0) limits.push(`--cpu=${l.cpuSeconds}:${l.cpuSeconds + 1}`);
  if (l.memoryBytes > 0) limits.push(`--as=${l.memoryBytes}`);
  if (l.processes > 0) limits.push(`--nproc=${l.processes}`);
  if (l.fileSizeBytes > 0) limits.push(`--fsize=${l.fileSizeBytes}`);
  const inner = [
    ...(limits.length > 0 ? ['prlimit', ...limits, '--'] : []),
    'setpriv',
    `--reuid=${iso.uid}`,
    `--regid=${iso.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--',
    command,
    ...args,
  ];
  if (!iso.pidNamespace) return [inner[0], inner.slice(1)];
  return [
    'unshare',
    ['--pid', '--fork', '--kill-child', '--', 'sh', '-c', NAMESPACE_INIT, 'baton-init', ...inner],
  ];
}

/** STEP_ISOLATE_BIN's value that turns baton-isolate off (the util-linux chain is used). */
export const ISOLATE_BIN_NONE = 'none';

/**
 * Which baton-isolate to use, from STEP_ISOLATE_BIN: `none` → none (the util-linux chain); an
 * absolute path → that binary (an error if it is not executable: a typo must not silently change
 * how code is confined); unset or empty → `.baton/bin/baton-isolate` of the repo this module lives
 * in (where scripts/install-tools.sh builds it) when it is there, else none.
 */
export function resolveIsolateBin(setting: string | undefined, from: string = __dirname): string | undefined {
  if (setting === ISOLATE_BIN_NONE) return undefined;
  if (setting !== undefined && setting !== '') {
    if (!isAbsolute(setting))
      throw new Error(`STEP_ISOLATE_BIN must be an absolute path or '${ISOLATE_BIN_NONE}'`);
    accessSync(setting, fsConstants.X_OK);
    return setting;
  }
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, '.baton', 'bin', 'baton-isolate');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; look further up
    }
    if (dir === dirname(dir)) return undefined;
  }
}

/** Looks up a user's uid and primary gid (with id(1), so NSS sources count). Throws if unknown. */
export function lookupUser(user: string): { uid: number; gid: number } {
  const run = (flag: string) =>
    Number(
      execFileSync('id', [flag, '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(),
    );
  const uid = run('-u');
  const gid = run('-g');
  if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid))
    throw new Error(`cannot resolve user '${user}'`);
  return { uid, gid };
}

/** True when this process may switch users and create namespaces (root). */
export function canIsolate(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * PATH as the step user can use it: entries inside directories closed to others (a per-user install
 * under a 0700 home, such as pyenv shims) are dropped, so `python3` finds the system interpreter
 * instead of failing with "Permission denied".
 */
export function pathForStepUser(path: string): string {
  const kept = path.split(':').filter((dir) => isAbsolute(dir) && searchableByOthers(dir));
  return kept.join(':');
}

function searchableByOthers(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === dirname(d)) return true;
  }
}

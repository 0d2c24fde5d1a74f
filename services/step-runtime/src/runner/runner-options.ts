import { isAbsolute } from 'node:path';
import type { LogChunk, StepType } from './attempt-types.js';
import { RunnerError } from './errors.js';
import type { StepIsolation } from './isolation.js';
import type { JobSettings } from '../jobs/job.js';

const MiB = 1024 * 1024;

/** Options for one attempt. Validated by `resolveRunnerOptions`; every default is listed here. */
export interface RunnerOptions {
  /** Absolute directory under which each attempt gets a fresh working directory. Created if missing. */
  workRoot: string;
  /** Keep each attempt's working directory after it ends (for debugging). Default false. */
  keepWorkDirs?: boolean;
  /** Cap on stdout+stderr bytes kept per attempt. Default 10 MiB. */
  maxLogBytes?: number;
  /**
   * When output goes over maxLogBytes, how many of its last bytes are kept (the first
   * maxLogBytes − logTailBytes stream live; the tail is delivered when the process ends).
   * Default 1 MiB; must be less than maxLogBytes.
   */
  logTailBytes?: number;
  /** Cap on the size of BATON_OUTPUT_FILE. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Cap on a kept file (the executed notebook); a larger one is dropped with a note in the log. Default 8 MiB. */
  maxArtifactBytes?: number;
  /** A scalar param longer than this (UTF-8 bytes) is not exported as env (still in the params file). Default 64 KiB. */
  maxEnvValueBytes?: number;
  /**
   * Quota on the attempt's work dir (its files, TMPDIR included), checked every `diskCheckMs`: over it,
   * the group is terminated and the attempt is USER_FAILED. Default 0 = no quota.
   */
  maxWorkDirBytes?: number;
  /** How often the work dir quota is checked. Default 2 000 ms. */
  diskCheckMs?: number;
  /** Time between SIGTERM and SIGKILL of the process group (timeout, cancel, leftovers). Default 10 000 ms. */
  killGraceMs?: number;
  /**
   * After the group is gone, how long to wait for stdout/stderr to reach EOF (a process that left the
   * group with setsid may still hold them). Default 1 000 ms.
   */
  stdioDrainMs?: number;
  /** Deliberate additions to the user environment (after the allow-list, before params). Default {}. */
  extraEnv?: Record<string, string>;
  /** Interpreter per step type, looked up on PATH unless absolute. Default bash / python3. */
  interpreters?: Partial<Record<StepType, string>>;
  /** Receives every log chunk in order as it arrives. Must not throw (exceptions are swallowed). */
  onLog?: (chunk: LogChunk) => void;
  /**
   * Confine user code (another user, a PID namespace, rlimits); see isolation.ts. Needs root.
   * Default: none — the code runs as this process's user in its own process group.
   */
  isolation?: StepIsolation;
  /** What job step types (Http, SQL) need: the SSRF allow list and the SQL connections. Without it they fail PLATFORM_FAILED. */
  jobs?: JobSettings;
}

export type ResolvedRunnerOptions = Required<
  Omit<RunnerOptions, 'onLog' | 'interpreters' | 'isolation' | 'jobs'>
> & {
  interpreters: Partial<Record<StepType, string>>;
  onLog?: (chunk: LogChunk) => void;
  isolation?: StepIsolation;
  jobs?: JobSettings;
};

export const RUNNER_DEFAULTS = {
  keepWorkDirs: false,
  maxLogBytes: 10 * MiB,
  logTailBytes: 1 * MiB,
  maxOutputBytes: 1 * MiB,
  maxArtifactBytes: 8 * MiB,
  maxEnvValueBytes: 64 * 1024,
  killGraceMs: 10_000,
  stdioDrainMs: 1_000,
  maxWorkDirBytes: 0,
  diskCheckMs: 2_000,
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/** Applies defaults and checks every option; throws RunnerError('INVALID_OPTIONS') naming the bad one. */
export function resolveRunnerOptions(opts: RunnerOptions): ResolvedRunnerOptions {
  const bad = (msg: string): never => {
    throw new RunnerError('INVALID_OPTIONS', `RunnerOptions.${msg}`);
  };
  if (typeof opts?.workRoot !== 'string' || !isAbsolute(opts.workRoot))
    bad('workRoot must be an absolute path');
  const r: ResolvedRunnerOptions = {
    workRoot: opts.workRoot,
    keepWorkDirs: opts.keepWorkDirs ?? RUNNER_DEFAULTS.keepWorkDirs,
    maxLogBytes: opts.maxLogBytes ?? RUNNER_DEFAULTS.maxLogBytes,
    logTailBytes:
      opts.logTailBytes ??
      Math.min(
        RUNNER_DEFAULTS.logTailBytes,
        Math.floor((opts.maxLogBytes ?? RUNNER_DEFAULTS.maxLogBytes) / 2),
      ),
    maxOutputBytes: opts.maxOutputBytes ?? RUNNER_DEFAULTS.maxOutputBytes,
    maxArtifactBytes: opts.maxArtifactBytes ?? RUNNER_DEFAULTS.maxArtifactBytes,
    maxEnvValueBytes: opts.maxEnvValueBytes ?? RUNNER_DEFAULTS.maxEnvValueBytes,
    killGraceMs: opts.killGraceMs ?? RUNNER_DEFAULTS.killGraceMs,
    stdioDrainMs: opts.stdioDrainMs ?? RUNNER_DEFAULTS.stdioDrainMs,
    maxWorkDirBytes: opts.maxWorkDirBytes ?? RUNNER_DEFAULTS.maxWorkDirBytes,
    diskCheckMs: opts.diskCheckMs ?? RUNNER_DEFAULTS.diskCheckMs,
    extraEnv: opts.extraEnv ?? {},
    interpreters: opts.interpreters ?? {},
    onLog: opts.onLog,
    isolation: opts.isolation,
    jobs: opts.jobs,
  };
  for (const key of ['maxLogBytes', 'maxOutputBytes', 'maxEnvValueBytes', 'maxArtifactBytes'] as const) {
    if (!Number.isSafeInteger(r[key]) || r[key] <= 0) bad(`${key} must be a positive integer`);
  }
  if (!Number.isSafeInteger(r.diskCheckMs) || r.diskCheckMs < 10) bad('diskCheckMs must be an integer >= 10');
  for (const key of ['logTailBytes', 'killGraceMs', 'stdioDrainMs', 'maxWorkDirBytes'] as const) {
    if (!Number.isSafeInteger(r[key]) || r[key] < 0) bad(`${key} must be a non-negative integer`);
  }
  if (r.logTailBytes >= r.maxLogBytes) bad('logTailBytes must be less than maxLogBytes');
  for (const [name, value] of Object.entries(r.extraEnv)) {
    if (!isEnvName(name)) bad(`extraEnv: "${name}" is not a valid environment variable name`);
    if (typeof value !== 'string' || value.includes('\0'))
      bad(`extraEnv.${name} must be a string without NUL`);
  }
  for (const [type, path] of Object.entries(r.interpreters)) {
    if (typeof path !== 'string' || path === '') bad(`interpreters.${type} must be a non-empty string`);
  }
  if (r.onLog !== undefined && typeof r.onLog !== 'function') bad('onLog must be a function');
  if (r.isolation !== undefined) {
    const iso = r.isolation;
    for (const key of ['uid', 'gid'] as const) {
      if (!Number.isSafeInteger(iso[key]) || iso[key] <= 0)
        bad(`isolation.${key} must be a positive integer (not root)`);
    }
    for (const [key, value] of Object.entries(iso.limits ?? {})) {
      if (!Number.isSafeInteger(value) || value < 0)
        bad(`isolation.limits.${key} must be a non-negative integer`);
    }
    if (iso.isolateBin !== undefined && !isAbsolute(iso.isolateBin))
      bad('isolation.isolateBin must be an absolute path');
  }
  return r;
}

import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { EnvReader, parseAllowList } from '@baton/kit';

/** step-runtime's own settings, read once at start-up (every problem reported together). */
export interface StepRuntimeConfig {
  /** STEP_RUNTIME_POOLS (default `default`): the work queues this replica consumes, comma separated. */
  pools: string[];
  /** STEP_RUNTIME_SLOTS (default 4): attempts run at once by this replica. */
  slots: number;
  /** STEP_RUNTIME_WORK_DIR (default <os tmpdir>/baton-work): root of the attempts' working directories. */
  workDir: string;
  /** STEP_RUNTIME_LEASE_MS (default 15 000): lease length; renewed every third of it while code runs. */
  leaseMs: number;
  /** STEP_RUNTIME_KILL_GRACE_MS (default 10 000): SIGTERM → SIGKILL of a cancelled attempt's group. */
  killGraceMs: number;
  /** STEP_RUNTIME_SWEEP_MS (default 10 000): how often one replica re-sends unreported results. */
  sweepMs: number;
  /** STEP_RUNTIME_RESEND_AFTER_MS (default 30 000): a result unreported this long is the sweeper's to re-send. */
  resendAfterMs: number;
  /** STEP_RUNTIME_RECLAIM_IDLE_MS (default 30 000): a queue message read but not acked this long is taken over. */
  reclaimIdleMs: number;
  /** BATON_SCHEDULER_INTERNAL_ADDR (default 127.0.0.1:7412): the scheduler's internal port, where results are reported. */
  schedulerAddr: string;
  /** STEP_RUNTIME_REPORT_TIMEOUT_MS (default 10 000): deadline of one ReportAttempt call. */
  reportTimeoutMs: number;
  /**
   * STEP_RUN_AS_USER (default `nobody`): the unprivileged account user code runs as, in its own PID
   * namespace with the limits below. Empty = no isolation. Needs root; a service that is not root
   * logs that and runs user code as its own user.
   */
  runAsUser: string;
  /**
   * STEP_ISOLATE_BIN (default: `.baton/bin/baton-isolate` of the repo when built there): the program
   * that confines user code in one exec; `none` = util-linux's unshare/prlimit/setpriv chain.
   */
  isolateBin: string;
  /** STEP_LIMIT_CPU_SECONDS (default 3 600): CPU seconds per attempt; 0 = unlimited. */
  cpuSeconds: number;
  /** STEP_LIMIT_MEMORY_MB (default 4 096): address space per process, MiB; 0 = unlimited. */
  memoryMb: number;
  /** STEP_LIMIT_PROCESSES (default 512): processes of the step user (all attempts of this machine together); 0 = unlimited. */
  processes: number;
  /** STEP_LIMIT_FILE_SIZE_MB (default 1 024): largest file user code may write, MiB; 0 = unlimited. */
  fileSizeMb: number;
  /** STEP_LIMIT_WORK_DIR_MB (default 10 240): quota on an attempt's work dir, checked every 2 s; 0 = none. */
  workDirMb: number;
  /**
   * STEP_LOG_RETENTION_DAYS (default 30): logs of attempts that ended longer ago are deleted;
   * 0 = kept forever. Fractions are allowed (0.5 = twelve hours).
   */
  logRetentionDays: number;
  /**
   * STEP_ATTEMPT_RETENTION_DAYS (default 30): claims whose result was reported (and cancel
   * tombstones) longer ago are deleted; 0 = kept forever.
   */
  attemptRetentionDays: number;
  /** STEP_RETENTION_SWEEP_MS (default 3 600 000): how often one replica runs the retention sweep. */
  retentionSweepMs: number;
  /**
   * BATON_HTTP_ALLOW (default empty): private, loopback or link-local hosts and networks Http steps
   * may reach anyway — comma-separated host names, addresses or CIDRs.
   */
  httpAllow: string;
  /** BATON_CONNECTIONS_FILE (default none): the SQL connections file (see the runner README). */
  connectionsFile: string;
  /**
   * STEP_NOTEBOOK_PYTHON (default /usr/bin/python3 when present, else python3 on PATH): the Python
   * with nbclient and ipykernel that runs Notebook steps.
   */
  notebookPython: string;
}

const POOL = /^[A-Za-z0-9_.-]{1,64}$/;
const HOST_PORT = /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

export function readStepRuntimeConfig(env: NodeJS.ProcessEnv = process.env): StepRuntimeConfig {
  const r = new EnvReader(env);
  const poolsRaw = r.string('STEP_RUNTIME_POOLS', 'default', (v) => {
    const bad = v
      .split(',')
      .map((p) => p.trim())
      .filter((p) => !POOL.test(p));
    return bad.length > 0 ? `pool names must match ${POOL.source} (bad: ${bad.join(', ')})` : undefined;
  });
  const cfg: StepRuntimeConfig = {
    pools: [...new Set(poolsRaw.split(',').map((p) => p.trim()))],
    slots: r.int('STEP_RUNTIME_SLOTS', 4, 1, 256),
    workDir: r.string('STEP_RUNTIME_WORK_DIR', join(tmpdir(), 'baton-work'), (v) =>
      isAbsolute(v) ? undefined : 'must be an absolute path',
    ),
    leaseMs: r.int('STEP_RUNTIME_LEASE_MS', 15_000, 1_000, 600_000),
    killGraceMs: r.int('STEP_RUNTIME_KILL_GRACE_MS', 10_000, 0, 600_000),
    sweepMs: r.int('STEP_RUNTIME_SWEEP_MS', 10_000, 100, 3_600_000),
    resendAfterMs: r.int('STEP_RUNTIME_RESEND_AFTER_MS', 30_000, 0, 3_600_000),
    reclaimIdleMs: r.int('STEP_RUNTIME_RECLAIM_IDLE_MS', 30_000, 1_000, 3_600_000),
    schedulerAddr: r.string('BATON_SCHEDULER_INTERNAL_ADDR', '127.0.0.1:7412', (v) =>
      HOST_PORT.test(v) ? undefined : 'expected host:port',
    ),
    reportTimeoutMs: r.int('STEP_RUNTIME_REPORT_TIMEOUT_MS', 10_000, 100, 600_000),
    runAsUser: r.string('STEP_RUN_AS_USER', 'nobody', (v) =>
      v === '' || /^[a-z_][a-z0-9_-]{0,31}$/i.test(v) ? undefined : 'expected a user name (or empty)',
    ),
    isolateBin: r.string('STEP_ISOLATE_BIN', '', (v) =>
      v === '' || v === 'none' || isAbsolute(v) ? undefined : "expected an absolute path or 'none'",
    ),
    cpuSeconds: r.int('STEP_LIMIT_CPU_SECONDS', 3_600, 0, 7 * 86_400),
    memoryMb: r.int('STEP_LIMIT_MEMORY_MB', 4_096, 0, 1_048_576),
    processes: r.int('STEP_LIMIT_PROCESSES', 512, 0, 1_000_000),
    fileSizeMb: r.int('STEP_LIMIT_FILE_SIZE_MB', 1_024, 0, 1_048_576),
    workDirMb: r.int('STEP_LIMIT_WORK_DIR_MB', 10_240, 0, 1_048_576 * 16),
    logRetentionDays: r.number('STEP_LOG_RETENTION_DAYS', 30, 0, 36_500),
    attemptRetentionDays: r.number('STEP_ATTEMPT_RETENTION_DAYS', 30, 0, 36_500),
    retentionSweepMs: r.int('STEP_RETENTION_SWEEP_MS', 3_600_000, 100, 86_400_000),
    httpAllow: r.string('BATON_HTTP_ALLOW', '', (v) => {
      const parsed = parseAllowList(v);
      return typeof parsed === 'string' ? parsed : undefined;
    }),
    connectionsFile: r.string('BATON_CONNECTIONS_FILE', '', (v) =>
      v === '' || isAbsolute(v) ? undefined : 'must be an absolute path',
    ),
    notebookPython: r.string('STEP_NOTEBOOK_PYTHON', ''),
  };
  r.done();
  return cfg;
}

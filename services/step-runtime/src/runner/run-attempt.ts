import { Buffer } from 'node:buffer';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { AttemptOutcome, AttemptSpec, RunningAttempt } from './attempt-types.js';
import { describeError, RunnerError } from './errors.js';
import { LogCapture } from './log-capture.js';
import { decideOutcome, verdictForError, type ProcessEnd, type Verdict } from './outcome.js';
import { readOutputFile, readUserFile } from './output-file.js';
import { terminateGroup, type TerminateResult } from './process-group.js';
import { resolveRunnerOptions, type ResolvedRunnerOptions, type RunnerOptions } from './runner-options.js';
import { buildProgram, type StepProgram } from './step-types/index.js';
import { buildUserEnv } from './user-env.js';
import { isolatedArgv, pathForStepUser } from './isolation.js';
import { isJobType, runJobAttempt } from '../jobs/run-job.js';
import { UNCONFIGURED_JOBS } from '../jobs/job-settings.js';
import { createWorkDir, diskUsage, giveWorkDir, removeWorkDir, type WorkDir } from './work-dir.js';

/** setTimeout's ceiling (~24.8 days); longer step timeouts are clamped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one attempt's user code on this machine: a fresh work dir, a scrubbed environment, its own
 * process group, the timeout, log capture, and the outputs. Throws only for invalid options (a
 * caller bug); everything else, including a bad spec, ends as an outcome of `result`, which never
 * rejects.
 */
export function runAttempt(spec: AttemptSpec, options: RunnerOptions): RunningAttempt {
  const resolved = resolveRunnerOptions(options);
  if (isJobType(spec.stepType)) return runJobAttempt(spec, resolved, resolved.jobs ?? UNCONFIGURED_JOBS);
  const run = new AttemptRun(spec, resolved);
  const result = run.run();
  return {
    result,
    cancel: (reason: string) => run.cancel(reason),
    get pid() {
      return run.pid;
    },
  };
}

class AttemptRun {
  pid?: number;
  private stopReason?: string;
  private timedOut = false;
  /** Set when the work dir went over its quota: the group is being terminated for it. */
  private overQuota?: string;
  /** Set when the interpreter exited: from then on the outcome follows the exit, not cancel(). */
  private exited = false;
  private killing?: Promise<TerminateResult>;
  private readonly startedAt = Date.now();
  private readonly log: LogCapture;

  constructor(
    private readonly spec: AttemptSpec,
    private readonly opts: ResolvedRunnerOptions,
  ) {
    this.log = new LogCapture(opts.maxLogBytes, opts.logTailBytes, opts.onLog ?? (() => {}));
  }

  cancel(reason: string): void {
    if (this.exited || this.timedOut || this.stopReason !== undefined) return;
    this.stopReason = String(reason);
    if (this.pid !== undefined) this.beginKill();
  }

  async run(): Promise<AttemptOutcome> {
    try {
      return await this.runSteps();
    } catch (err) {
      return this.finish({
        status: 'PLATFORM_FAILED',
        error: `step runner failed: ${describeError(err)}`,
        outputs: {},
      });
    }
  }

  private async runSteps(): Promise<AttemptOutcome> {
    let program: StepProgram;
    try {
      checkSpec(this.spec);
      program = buildProgram(this.spec.stepType, this.spec.params, this.opts.interpreters);
    } catch (err) {
      if (err instanceof RunnerError) return this.finish(verdictForError(err));
      throw err;
    }
    let workDir: WorkDir | undefined;
    try {
      if (this.stopReason !== undefined) return this.finish(this.stoppedBeforeStart());
      let scriptPath: string;
      try {
        workDir = await createWorkDir(this.opts.workRoot, this.spec.attemptKey);
        scriptPath = join(workDir.control, program.fileName);
        await Promise.all([
          writeFile(workDir.paramsFile, JSON.stringify(this.spec.params), { mode: 0o600 }),
          writeFile(scriptPath, program.contents, { mode: 0o600 }),
        ]);
        const iso = this.opts.isolation;
        if (iso)
          await giveWorkDir(this.opts.workRoot, workDir, iso.uid, iso.gid, [workDir.paramsFile, scriptPath]);
      } catch (err) {
        return this.finish(
          verdictForError(
            new RunnerError('PLATFORM', `could not prepare the work dir: ${describeError(err)}`),
          ),
          workDir,
        );
      }
      if (this.stopReason !== undefined) return this.finish(this.stoppedBeforeStart(), workDir);
      const raw = await this.execute(program, scriptPath, workDir);
      if (raw instanceof RunnerError) return this.finish(verdictForError(raw), workDir);
      const end = this.opts.isolation?.pidNamespace ? fromInitStatus(raw) : raw;
      if (this.overQuota !== undefined && this.stopReason === undefined && !this.timedOut) {
        const ended = {
          ...(end.exitCode !== null ? { exitCode: end.exitCode } : {}),
          ...(end.signal !== null ? { signal: end.signal } : {}),
        };
        return this.finish({ status: 'USER_FAILED', ...ended, error: this.overQuota, outputs: {} }, workDir);
      }
      const ourDoing = this.stopReason !== undefined || this.timedOut;
      const artifact = program.artifact ? await this.readArtifact(workDir, program.artifact) : undefined;
      return this.finish(
        explainLimit(
          this.opts,
          decideOutcome({
            end,
            stopReason: this.stopReason,
            timedOutAfterSeconds: this.timedOut ? this.spec.timeoutSeconds : undefined,
            output: ourDoing ? undefined : await readOutputFile(workDir.outputFile, this.opts.maxOutputBytes),
          }),
        ),
        workDir,
        artifact,
      );
    } finally {
      if (workDir && !this.opts.keepWorkDirs) await removeWorkDir(workDir.dir);
    }
  }

  /** Spawns the interpreter and resolves once it exited, its group is gone and its pipes are drained. */
  private execute(
    program: StepProgram,
    scriptPath: string,
    workDir: WorkDir,
  ): Promise<ProcessEnd | RunnerError> {
    const env = buildUserEnv({
      spec: this.spec,
      workDir,
      stepTypeEnv: program.env,
      extraEnv: this.opts.extraEnv,
      maxEnvValueBytes: this.opts.maxEnvValueBytes,
    });
    if (this.opts.isolation) {
      env.USER = this.opts.isolation.user;
      env.PATH = pathForStepUser(env.PATH ?? '');
    }
    return new Promise((resolve) => {
      const cannotStart = (err: unknown) =>
        resolve(new RunnerError('PLATFORM', `could not start ${program.command}: ${describeError(err)}`));
      let child: ChildProcess;
      try {
        // detached = setsid(): the child leads a new process group, so -pid reaches every descendant.
        const [command, args] = this.opts.isolation
          ? isolatedArgv(this.opts.isolation, program.command, [...program.args, scriptPath])
          : [program.command, [...program.args, scriptPath]];
        child = spawn(command, args, {
          cwd: workDir.dir,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        cannotStart(err);
        return;
      }
      const stdout = child.stdout as Readable;
      const stderr = child.stderr as Readable;
      const closed = Promise.all([closedPromise(stdout), closedPromise(stderr)]);
      stdout.on('data', (data: Buffer) => this.log.write('stdout', data));
      stderr.on('data', (data: Buffer) => this.log.write('stderr', data));
      child.on('error', (err) => {
        if (this.pid === undefined) {
          stdout.destroy();
          stderr.destroy();
          cannotStart(err);
        }
      });
      if (child.pid === undefined) return; // 'error' follows
      const pid = child.pid;
      this.pid = pid;
      const timer = this.armTimeout();
      const quota = this.watchQuota(workDir);
      if (this.stopReason !== undefined) this.beginKill();
      child.once('exit', (exitCode, signal) => {
        this.exited = true;
        if (timer) clearTimeout(timer);
        if (quota) clearInterval(quota);
        // Processes the script left running (`cmd &`) end with it: no orphan outlives its attempt.
        const groupGone = this.killing ?? terminateGroup(pid, this.opts.killGraceMs);
        void groupGone
          .then(() => Promise.race([closed, delay(this.opts.stdioDrainMs)]))
          .then(() => {
            stdout.destroy();
            stderr.destroy();
            resolve({ exitCode, signal });
          });
      });
    });
  }

  private armTimeout(): NodeJS.Timeout | undefined {
    const seconds = this.spec.timeoutSeconds;
    if (!seconds) return undefined;
    return setTimeout(
      () => {
        if (this.exited || this.stopReason !== undefined) return;
        this.timedOut = true;
        this.beginKill();
      },
      Math.min(Math.ceil(seconds * 1000), MAX_TIMER_MS),
    );
  }

  /** Checks the work dir's size now and then; over the quota, the attempt ends USER_FAILED. */
  private watchQuota(workDir: WorkDir): NodeJS.Timeout | undefined {
    const max = this.opts.maxWorkDirBytes;
    if (max <= 0) return undefined;
    let checking = false;
    const timer = setInterval(() => {
      if (checking || this.exited || this.overQuota !== undefined) return;
      checking = true;
      void diskUsage(workDir.dir, max)
        .then((used) => {
          if (used > max && !this.exited && this.stopReason === undefined && !this.timedOut) {
            this.overQuota = `the work dir went over its quota of ${max} bytes (at least ${used} used)`;
            this.beginKill();
          }
        })
        .finally(() => {
          checking = false;
        });
    }, this.opts.diskCheckMs);
    timer.unref();
    return timer;
  }

  private beginKill(): void {
    if (this.pid !== undefined) this.killing ??= terminateGroup(this.pid, this.opts.killGraceMs);
  }

  private stoppedBeforeStart(): Verdict {
    return decideOutcome({ end: { exitCode: null, signal: null }, stopReason: this.stopReason });
  }

  private finish(verdict: Verdict, workDir?: WorkDir, artifact?: AttemptOutcome['artifact']): AttemptOutcome {
    const logs = this.log.finish();
    return {
      ...verdict,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      ...logs,
      ...(workDir ? { workDir: workDir.dir } : {}),
      ...(artifact ? { artifact } : {}),
    };
  }

  /** The step type's kept file, if the program wrote one; a bad one is noted in the log and dropped. */
  private async readArtifact(workDir: WorkDir, name: string): Promise<AttemptOutcome['artifact']> {
    const r = await readUserFile(join(workDir.control, name), this.opts.maxArtifactBytes);
    if (r.kind === 'ok') return { name, data: r.data };
    if (r.kind === 'bad') this.log.write('stderr', Buffer.from(`[baton] ${name} not kept: it ${r.why}\n`));
    return undefined;
  }
}

/**
 * The namespace init reports a script killed by signal N as exit code 128 + N (it cannot re-raise the
 * signal: init ignores its own signals); turn that back into the signal.
 */
function fromInitStatus(end: ProcessEnd): ProcessEnd {
  const code = end.exitCode;
  if (code === null || code <= 128) return end;
  const name = Object.entries(osConstants.signals).find(([, n]) => n === code - 128)?.[0];
  return name ? { exitCode: null, signal: name } : end;
}

/** A death by an rlimit's signal names the limit, so the step's message says what to change. */
function explainLimit(opts: ResolvedRunnerOptions, verdict: Verdict): Verdict {
  const limits = opts.isolation?.limits;
  if (!limits || verdict.error === undefined) return verdict;
  if (verdict.signal === 'SIGXFSZ')
    return {
      ...verdict,
      error: `${verdict.error} (file size limit of ${limits.fileSizeBytes} bytes exceeded)`,
    };
  if (verdict.signal === 'SIGXCPU')
    return { ...verdict, error: `${verdict.error} (CPU time limit of ${limits.cpuSeconds} s exceeded)` };
  return verdict;
}

function closedPromise(stream: Readable): Promise<void> {
  stream.on('error', () => {}); // a pipe error only ends the log early; the exit status still counts
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

/** The scheduler builds specs; a malformed one is a platform bug, reported rather than thrown. */
function checkSpec(spec: AttemptSpec): void {
  const bad = (msg: string): never => {
    throw new RunnerError('PLATFORM', `invalid attempt spec: ${msg}`);
  };
  if (typeof spec !== 'object' || spec === null) bad('not an object');
  if (typeof spec.attemptKey !== 'string' || spec.attemptKey === '')
    bad('attemptKey must be a non-empty string');
  if (typeof spec.params !== 'object' || spec.params === null || Array.isArray(spec.params))
    bad('params must be an object');
  if (!Number.isSafeInteger(spec.attemptId)) bad('attemptId must be an integer');
  const t = spec.timeoutSeconds;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0))
    bad('timeoutSeconds must be a non-negative number');
}

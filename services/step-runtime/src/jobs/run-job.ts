import type { AttemptOutcome, AttemptSpec, RunningAttempt } from '../runner/attempt-types.js';
import { describeError } from '../runner/errors.js';
import { LogCapture } from '../runner/log-capture.js';
import { decideOutcome, type Verdict } from '../runner/outcome.js';
import type { ResolvedRunnerOptions } from '../runner/runner-options.js';
import { httpJob } from './http/http-job.js';
import { type JobModule, type JobSettings, type JobType, JobFailure } from './job.js';
import { sqlJob } from './sql/sql-job.js';
import { dockerJob } from './docker/docker-job.js';

/** Every job step type. A new type = one module + one line here. */
export const JOB_TYPES: Readonly<Record<JobType, JobModule<unknown>>> = {
  HTTP: httpJob as JobModule<unknown>,
  SQL: sqlJob as JobModule<unknown>,
  DOCKER: dockerJob as JobModule<unknown>,
};

export function isJobType(stepType: string): stepType is JobType {
  return Object.hasOwn(JOB_TYPES, stepType);
}

/** setTimeout's ceiling; longer step timeouts are clamped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one attempt of a job step type inside this process, with the same contract as a user
 * process: logs through the same capture, the step timeout, cancel() → STOPPED, and a result that
 * never rejects.
 */
export function runJobAttempt(
  spec: AttemptSpec,
  opts: ResolvedRunnerOptions,
  settings: JobSettings,
): RunningAttempt {
  const startedAt = Date.now();
  const log = new LogCapture(opts.maxLogBytes, opts.logTailBytes, opts.onLog ?? (() => {}));
  const abort = new AbortController();
  let stopReason: string | undefined;
  let timedOut = false;
  let ended = false;
  const finish = (verdict: Verdict): AttemptOutcome => {
    ended = true;
    return { ...verdict, startedAt, endedAt: Date.now(), ...log.finish() };
  };
  const run = async (): Promise<AttemptOutcome> => {
    const module = JOB_TYPES[spec.stepType as JobType];
    const timer = spec.timeoutSeconds
      ? setTimeout(
          () => {
            if (ended || stopReason !== undefined) return;
            timedOut = true;
            abort.abort(new Error('timeout'));
          },
          Math.min(Math.ceil(spec.timeoutSeconds * 1000), MAX_TIMER_MS),
        )
      : undefined;
    try {
      const prepared = module.prepare(spec.params);
      if (stopReason !== undefined) return finish(ourDoing());
      const outputs = await module.run(prepared, {
        attemptKey: spec.attemptKey,
        spec,
        workRoot: opts.workRoot,
        maxEnvValueBytes: opts.maxEnvValueBytes,
        signal: abort.signal,
        settings,
        log: (stream, text) => log.write(stream, typeof text === 'string' ? Buffer.from(text, 'utf8') : text),
      });
      if (stopReason !== undefined || timedOut) return finish(ourDoing());
      return finish({ status: 'SUCCEEDED', outputs });
    } catch (err) {
      if (stopReason !== undefined || timedOut) return finish(ourDoing());
      if (err instanceof JobFailure) {
        log.write('stderr', Buffer.from(`${err.message}\n`, 'utf8'));
        const status =
          err.kind === 'USER' ? 'USER_FAILED' : err.kind === 'FATAL' ? 'FATALLY_FAILED' : 'PLATFORM_FAILED';
        return finish({ status, error: err.message, outputs: {} });
      }
      return finish({
        status: 'PLATFORM_FAILED',
        error: `step runner failed: ${describeError(err)}`,
        outputs: {},
      });
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
  const ourDoing = (): Verdict =>
    decideOutcome({
      end: { exitCode: null, signal: null },
      stopReason,
      timedOutAfterSeconds: timedOut ? spec.timeoutSeconds : undefined,
    });
  const result = run();
  return {
    result,
    cancel(reason: string) {
      if (ended || timedOut || stopReason !== undefined) return;
      stopReason = String(reason);
      abort.abort(new Error(stopReason));
    },
  };
}

import type { AttemptOutcome } from './attempt-types.js';
import type { RunnerError } from './errors.js';
import type { OutputRead } from './output-file.js';

export type Verdict = Pick<AttemptOutcome, 'status' | 'exitCode' | 'signal' | 'error' | 'outputs'>;

/** How the interpreter process ended (exactly one of the two is set). */
export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
}

export interface FinishedAttempt {
  end: ProcessEnd;
  /** Set when cancel() ended the attempt. */
  stopReason?: string;
  /** Set when the step timeout ended the attempt. */
  timedOutAfterSeconds?: number;
  /** The output file, read only when neither of the above is set. */
  output?: OutputRead;
}

/**
 * The status rules, in order: a stop or a timeout we caused wins over how the process ended; a bad
 * output file is the script's fault (USER_FAILED) even on exit 0; exit 0 succeeds; any other end is
 * USER_FAILED unless the output file says `"baton_retryable": false` (FATALLY_FAILED).
 */
export function decideOutcome(a: FinishedAttempt): Verdict {
  const ended = {
    ...(a.end.exitCode !== null ? { exitCode: a.end.exitCode } : {}),
    ...(a.end.signal !== null ? { signal: a.end.signal } : {}),
  };
  if (a.stopReason !== undefined)
    return { status: 'STOPPED', ...ended, error: `stopped: ${a.stopReason}`, outputs: {} };
  if (a.timedOutAfterSeconds !== undefined) {
    return {
      status: 'TIMED_OUT',
      ...ended,
      error: `timed out after ${a.timedOutAfterSeconds} s`,
      outputs: {},
    };
  }
  const how =
    a.end.exitCode !== null ? `exited with code ${a.end.exitCode}` : `was killed by signal ${a.end.signal}`;
  const output = a.output ?? { ok: true, outputs: {}, retryable: true };
  if (!output.ok) {
    const error = a.end.exitCode === 0 ? output.error : `script ${how}; ${output.error}`;
    return { status: 'USER_FAILED', ...ended, error, outputs: {} };
  }
  if (a.end.exitCode === 0) return { status: 'SUCCEEDED', ...ended, outputs: output.outputs };
  return {
    status: output.retryable ? 'USER_FAILED' : 'FATALLY_FAILED',
    ...ended,
    error: output.userError !== undefined ? `${output.userError} (script ${how})` : `script ${how}`,
    outputs: output.outputs,
  };
}

/** An attempt that never got a process: the step cannot run, or this machine could not start it. */
export function verdictForError(err: RunnerError): Verdict {
  return {
    status: err.code === 'INVALID_STEP' ? 'FATALLY_FAILED' : 'PLATFORM_FAILED',
    error: err.message,
    outputs: {},
  };
}

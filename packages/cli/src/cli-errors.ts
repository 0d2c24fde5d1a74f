import { BatonClientError } from '@baton/sdk';

/**
 * Exit codes: 0 success, 1 any failure (and a watched run that did not succeed), 2 a bad
 * request (usage or INVALID_ARGUMENT), 130 interrupted by Ctrl-C (the shell's 128 + SIGINT).
 */
export const ExitCode = { OK: 0, FAILURE: 1, USAGE: 2, INTERRUPTED: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem with how the command was called (bad flag value, unreadable file, bad expression...). */
export class CliUsageError extends Error {
  /** `code` in --json errors: USAGE for the command line, INVALID_ARGUMENT for bad input such as SEL. */
  readonly code: 'USAGE' | 'INVALID_ARGUMENT';
  /** Machine-readable detail, e.g. the SEL error code (SYNTAX, LIMIT_LOOP...). */
  readonly reason?: string;

  constructor(message: string, opts: { code?: 'USAGE' | 'INVALID_ARGUMENT'; reason?: string } = {}) {
    super(message);
    this.name = 'CliUsageError';
    this.code = opts.code ?? 'USAGE';
    this.reason = opts.reason;
  }
}

/**
 * Ends a command with a given exit code without it being an error of the command itself:
 * a watched run that ended FAILED, or Ctrl-C while watching. `message` (if any) is a
 * side remark for stderr; --json prints nothing for it (stdout already says what happened).
 */
export class CliExit extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message = '',
  ) {
    super(message);
    this.name = 'CliExit';
  }
}

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CliExit) return err.exitCode;
  if (err instanceof CliUsageError) return ExitCode.USAGE;
  if (err instanceof BatonClientError && err.code === 'INVALID_ARGUMENT') return ExitCode.USAGE;
  return ExitCode.FAILURE;
}

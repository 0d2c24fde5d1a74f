import { BatonClientError } from '@baton/sdk';

/** Exit codes: 0 success, 1 any failure, 2 a bad request (usage or INVALID_ARGUMENT). */
export const ExitCode = { OK: 0, FAILURE: 1, USAGE: 2 } as const;
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

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CliUsageError) return ExitCode.USAGE;
  if (err instanceof BatonClientError && err.code === 'INVALID_ARGUMENT') return ExitCode.USAGE;
  return ExitCode.FAILURE;
}

/**
 * The runner's one error type. Codes are stable; each maps to exactly one outcome status in
 * `outcome.ts` (INVALID_OPTIONS is the exception: it is thrown to the caller, who misconfigured us).
 */
export type RunnerErrorCode =
  /** RunnerOptions are invalid (caller bug). Thrown synchronously by runAttempt. */
  | 'INVALID_OPTIONS'
  /** The step's own definition cannot run (missing script, unknown param shape): → FATALLY_FAILED. */
  | 'INVALID_STEP'
  /** This machine could not start the attempt (files, interpreter, unknown step type): → PLATFORM_FAILED. */
  | 'PLATFORM';

export class RunnerError extends Error {
  override readonly name = 'RunnerError';
  constructor(
    readonly code: RunnerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A short, human-readable description of anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

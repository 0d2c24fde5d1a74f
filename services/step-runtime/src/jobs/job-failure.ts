/** How a job failed; each kind maps to one attempt status (see run-job.ts). */
export type JobFailureKind =
  /** The job ran and the outcome is the step's fault (HTTP status, SQL error): USER_FAILED, retried per the user policy. */
  | 'USER'
  /** The step's params can never work (bad URL, unknown bind name): FATALLY_FAILED. */
  | 'FATAL'
  /** This machine could not do the job (connection file, driver, unreachable database): PLATFORM_FAILED. */
  | 'PLATFORM';

export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  constructor(
    readonly kind: JobFailureKind,
    message: string,
  ) {
    super(message);
  }
}

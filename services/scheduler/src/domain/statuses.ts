// The vocabularies are shared with step-runtime and the CLI: @baton/model defines them.
export {
  ATTEMPT_RESULTS,
  type AttemptResult,
  type AttemptStatus,
  INSTANCE_STATUSES,
  type InstanceStatus,
  STEP_STATUSES,
  type StepStatus,
  isBlocking,
  isDecided,
  isInstanceTerminal,
  isStepTerminal,
} from '@baton/model';

/** The error classes a retry policy counts separately. */
export type RetryKind = 'user' | 'platform' | 'timeout';

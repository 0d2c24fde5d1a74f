export type {
  AttemptOutcome,
  AttemptSpec,
  AttemptStatus,
  JsonValue,
  LogChunk,
  RunningAttempt,
  StepParams,
  StepType,
} from './attempt-types.js';
export { RunnerError, type RunnerErrorCode } from './errors.js';
export { runAttempt } from './run-attempt.js';
export { RUNNER_DEFAULTS, resolveRunnerOptions, type RunnerOptions } from './runner-options.js';
export { STEP_TYPES, type StepProgram, type StepTypeModule } from './step-types/index.js';
export { INHERITED_ENV_NAMES } from './user-env.js';

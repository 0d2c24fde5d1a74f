import type { AttemptResult } from '@baton/model';
/** A JSON-safe value, as evaluated params and output params are. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Evaluated step params by name. */
export type StepParams = Record<string, JsonValue>;

/** Step types this runner can execute on the machine; each has one module under `step-types/`. */
export type StepType = 'SHELL' | 'PYTHON' | 'NOTEBOOK';

/** Step types run inside step-runtime (see jobs/): their params are data, not code. */
export type JobStepType = 'HTTP' | 'SQL' | 'DOCKER';

/** One step attempt to run. Everything user code learns about the attempt comes from here. */
export interface AttemptSpec {
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  /** 1, 2, 3… within the step run. Exposed as BATON_ATTEMPT_NUMBER. */
  attemptId: number;
  /**
   * Unique across all attempts ever made: the idempotency key user code receives as
   * BATON_ATTEMPT_ID. A lost attempt is replaced by a new attempt with a new key, never re-run.
   */
  attemptKey: string;
  stepType: StepType | JobStepType;
  params: StepParams;
  /** Wall-clock limit from the process start; absent or 0 = no limit. Fractions allowed. */
  timeoutSeconds?: number;
}

/** What an attempt ended as: one of the results the scheduler decides with (@baton/model). */
export type AttemptStatus = AttemptResult;

export interface AttemptOutcome {
  status: AttemptStatus;
  /** Exit code of the interpreter process, when it exited on its own. */
  exitCode?: number;
  /** Signal that ended the interpreter process, when one did. */
  signal?: string;
  /** Why the attempt did not succeed (absent on SUCCEEDED). */
  error?: string;
  /** Output params from BATON_OUTPUT_FILE without reserved `baton_*` keys; {} unless it was read. */
  outputs: Record<string, unknown>;
  /** Epoch ms when runAttempt was called. */
  startedAt: number;
  /** Epoch ms when the process group was gone and the outcome known. */
  endedAt: number;
  /** Bytes user code wrote to stdout and stderr together (kept or not). */
  logBytes: number;
  /** Bytes of that output dropped by the log cap (0 unless truncated). */
  logBytesDropped: number;
  /** True when the log cap dropped output; the delivered log then holds a truncation marker. */
  truncated: boolean;
  /** The attempt's working directory (it no longer exists unless keepWorkDirs). */
  workDir?: string;
  /** A file the step type keeps (the executed notebook), when the program wrote one. */
  artifact?: { name: string; data: Buffer };
}

/** A piece of the attempt's log, delivered in order. */
export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
  /** Byte position of `data` in the attempt's stored log (both streams, one sequence). */
  offset: number;
  /** Epoch ms when the runner received the bytes. */
  time: number;
}

export interface RunningAttempt {
  /** Always resolves (never rejects) once the process group is gone and files are cleaned up. */
  result: Promise<AttemptOutcome>;
  /** Terminates the whole process group (SIGTERM, grace, SIGKILL) → STOPPED. Idempotent. */
  cancel(reason: string): void;
  /** The interpreter's pid (= its process group id), once started. */
  readonly pid?: number;
}

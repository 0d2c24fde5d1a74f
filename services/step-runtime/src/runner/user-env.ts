import { Buffer } from 'node:buffer';
import type { AttemptSpec } from './attempt-types.js';
import { isEnvName } from './runner-options.js';
import type { WorkDir } from './work-dir.js';

/**
 * The only variables user code inherits from this service's environment. Everything else — database
 * and Redis URLs, BATON_* service settings, OTEL_*, NODE_OPTIONS, cloud credentials — is dropped:
 * an allow-list cannot miss a secret added to the service later, a deny-list can.
 */
export const INHERITED_ENV_NAMES = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'USER', 'SHELL'] as const;

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Params with these names stay in the params file only: the runtime owns them. */
function isReservedName(name: string): boolean {
  return name === 'PATH' || name === 'HOME' || name === 'TMPDIR' || name.startsWith('BATON_');
}

export interface UserEnvInput {
  spec: AttemptSpec;
  workDir: WorkDir;
  /** Variables the step type needs (e.g. PYTHONUNBUFFERED). */
  stepTypeEnv: Record<string, string>;
  extraEnv: Record<string, string>;
  maxEnvValueBytes: number;
  /** The service's own environment; a parameter for tests. */
  parentEnv?: NodeJS.ProcessEnv;
}

/**
 * Builds the environment, each layer overriding the one before: allow-listed inherited variables,
 * RunnerOptions.extraEnv, the step type's variables, scalar params, then HOME/TMPDIR/BATON_*.
 */
export function buildUserEnv(input: UserEnvInput): Record<string, string> {
  const { spec, workDir } = input;
  const parentEnv = input.parentEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV_NAMES) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= DEFAULT_PATH;
  Object.assign(env, input.extraEnv, input.stepTypeEnv);
  Object.assign(env, paramsAsEnv(spec.params, input.maxEnvValueBytes));
  Object.assign(env, {
    HOME: workDir.dir,
    TMPDIR: workDir.tmp,
    BATON_WORKFLOW_ID: spec.workflowId,
    BATON_INSTANCE_ID: String(spec.instanceId),
    BATON_RUN_ID: String(spec.runId),
    BATON_STEP_ID: spec.stepId,
    BATON_ATTEMPT_ID: spec.attemptKey,
    BATON_ATTEMPT_NUMBER: String(spec.attemptId),
    BATON_WORK_DIR: workDir.dir,
    BATON_PARAMS_FILE: workDir.paramsFile,
    BATON_OUTPUT_FILE: workDir.outputFile,
  });
  return env;
}

/**
 * Scalar params (string, number, boolean) whose names are valid env names and not reserved.
 * Values with NUL (the OS cannot pass them) or over the size cap (an exec with huge env fails with
 * E2BIG) are left to the params file.
 */
export function paramsAsEnv(params: AttemptSpec['params'], maxValueBytes: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!isEnvName(name) || isReservedName(name)) continue;
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
    else continue;
    if (text.includes('\0') || Buffer.byteLength(text) > maxValueBytes) continue;
    env[name] = text;
  }
  return env;
}

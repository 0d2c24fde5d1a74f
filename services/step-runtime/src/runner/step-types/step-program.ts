import type { StepParams, StepType } from '../attempt-types.js';
import { RunnerError } from '../errors.js';

/** What a step type turns a spec into: a script file and the command that runs it. */
export interface StepProgram {
  /** File name of the script, written into the attempt's control directory. */
  fileName: string;
  contents: string;
  /** Interpreter (on PATH unless absolute); the script's absolute path is appended to `args`. */
  command: string;
  args: string[];
  /** Variables this step type needs (they lose to params and to BATON_*). */
  env: Record<string, string>;
  /** A file the program writes in the control dir that is kept after the attempt (the executed notebook). */
  artifact?: string;
}

/** One module per step type implements this; register it in `step-types/index.ts`. */
export interface StepTypeModule {
  type: StepType;
  /** Default interpreter; RunnerOptions.interpreters overrides it. */
  interpreter: string;
  /** Throws RunnerError('INVALID_STEP') when the params cannot make a program. */
  build(params: StepParams, interpreter: string): StepProgram;
}

/**
 * Finds the script of a script step: `<mapParam>.script` (Maestro's Shell/Python shape) or, failing
 * that, a top-level STRING param `script` (Maestro's shell sample and our examples/ use it).
 */
export function findScript(params: StepParams, mapParam: string, typeName: string): string {
  const where = `${typeName} step needs a non-empty STRING '${mapParam}.script' param (or a top-level 'script')`;
  const map = params[mapParam];
  let script: unknown;
  if (map !== undefined && map !== null) {
    if (typeof map !== 'object' || Array.isArray(map)) {
      throw new RunnerError('INVALID_STEP', `${where}; '${mapParam}' is not a MAP`);
    }
    script = map.script;
  }
  if (script === undefined) script = params.script;
  if (script === undefined) throw new RunnerError('INVALID_STEP', `${where}; it has neither`);
  if (typeof script !== 'string')
    throw new RunnerError('INVALID_STEP', `${where}; the script is a ${typeOf(script)}`);
  if (script.trim() === '') throw new RunnerError('INVALID_STEP', `${where}; the script is empty`);
  return script;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

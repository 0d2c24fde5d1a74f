import type { StepParams, StepType } from '../attempt-types.js';
import { RunnerError } from '../errors.js';
import { notebookStep } from './notebook.js';
import { pythonStep } from './python.js';
import { shellStep } from './shell.js';
import type { StepProgram, StepTypeModule } from './step-program.js';

export type { StepProgram, StepTypeModule } from './step-program.js';

/** Every step type that runs user code on this machine. A new type = one module + one line here. */
export const STEP_TYPES: Readonly<Record<StepType, StepTypeModule>> = {
  SHELL: shellStep,
  PYTHON: pythonStep,
  NOTEBOOK: notebookStep,
};

/** Unknown types are PLATFORM errors: this worker cannot run them, another build might. */
export function buildProgram(
  stepType: string,
  params: StepParams,
  interpreters: Partial<Record<StepType, string>>,
): StepProgram {
  const module = Object.hasOwn(STEP_TYPES, stepType) ? STEP_TYPES[stepType as StepType] : undefined;
  if (!module) {
    throw new RunnerError(
      'PLATFORM',
      `step type '${stepType}' cannot run here (known: ${Object.keys(STEP_TYPES).join(', ')})`,
    );
  }
  return module.build(params, interpreters[module.type] ?? module.interpreter);
}

import { existsSync } from 'node:fs';
import { RunnerError } from '../errors.js';
import { NOTEBOOK_RUNNER } from './notebook-runner.js';
import type { StepTypeModule } from './step-program.js';

/** Where the executed notebook is written, in the attempt's control dir; kept as the attempt's artifact. */
export const EXECUTED_NOTEBOOK = 'executed.ipynb';

/**
 * Notebook: Jupyter's nbclient runs the notebook (`notebook.source` inline, or `notebook.path` in
 * the work dir) with an IPython kernel; the step's params are injected papermill-style; the executed
 * notebook is kept (GetStepArtifact). The interpreter must have nbclient and ipykernel.
 */
export const notebookStep: StepTypeModule = {
  type: 'NOTEBOOK',
  // Debian's python3, where apt installs python3-nbclient and python3-ipykernel (a python3 earlier
  // on PATH, such as pyenv's, usually lacks them); STEP_NOTEBOOK_PYTHON overrides it.
  interpreter: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
  build(params, interpreter) {
    const nb = params.notebook;
    if (nb === undefined || nb === null || typeof nb !== 'object' || Array.isArray(nb))
      throw new RunnerError(
        'INVALID_STEP',
        "Notebook step needs a MAP param 'notebook' ('source' or 'path')",
      );
    // `input_path` is Maestro's (papermill's) name for the path.
    const path = typeof nb.path === 'string' ? nb.path : nb.input_path;
    if (typeof nb.source !== 'string' && typeof path !== 'string')
      throw new RunnerError(
        'INVALID_STEP',
        "Notebook step needs 'notebook.source' (the .ipynb JSON text) or 'notebook.path'",
      );
    if (
      typeof path === 'string' &&
      (path.startsWith('/') || path.includes('://') || path.split('/').includes('..'))
    )
      throw new RunnerError(
        'INVALID_STEP',
        "param 'notebook.path' must be a relative path inside the work dir (URLs are not fetched)",
      );
    if (
      nb.kernel !== undefined &&
      (typeof nb.kernel !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(nb.kernel))
    )
      throw new RunnerError('INVALID_STEP', "param 'notebook.kernel' must be a kernel name");
    return {
      fileName: 'run_notebook.py',
      contents: NOTEBOOK_RUNNER,
      command: interpreter,
      args: [],
      env: { PYTHONUNBUFFERED: '1' },
      artifact: EXECUTED_NOTEBOOK,
    };
  },
};

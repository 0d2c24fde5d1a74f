import type { StepTypeModule } from './step-program.js';
import { findScript } from './step-program.js';

/** Python: `python3 script.py`, unbuffered so print() output streams to the log as it happens. */
export const pythonStep: StepTypeModule = {
  type: 'PYTHON',
  interpreter: 'python3',
  build(params, interpreter) {
    return {
      fileName: 'script.py',
      contents: findScript(params, 'python', 'Python'),
      command: interpreter,
      args: [],
      env: { PYTHONUNBUFFERED: '1' },
    };
  },
};

import type { StepTypeModule } from './step-program.js';
import { findScript } from './step-program.js';

/**
 * Shell: `bash script.sh`, the script text exactly as given — no `-e`, `-u` or `pipefail` added,
 * as Maestro does. A script that wants them starts with `set -euo pipefail`.
 */
export const shellStep: StepTypeModule = {
  type: 'SHELL',
  interpreter: 'bash',
  build(params, interpreter) {
    return {
      fileName: 'script.sh',
      contents: findScript(params, 'shell', 'Shell'),
      command: interpreter,
      args: [],
      env: {},
    };
  },
};

import {
  INSTANCE_STATUSES,
  STEP_STATUSES,
  type StepStatus,
  isFailureStatus,
  isInstanceTerminal,
  isStepTerminal,
} from '@baton/model';
import type { Style } from '../output/style';

// How the CLI groups and colours Maestro's step and instance states (the vocabulary itself:
// @baton/model, shared with the services).

const PASSED_OVER = new Set(['DISABLED', 'UNSATISFIED', 'SKIPPED', 'NOT_CREATED', 'CREATED']);
const ACTIVE = new Set([
  'INITIALIZED',
  'EVALUATING_PARAMS',
  'STARTING',
  'RUNNING',
  'FINISHING',
  'IN_PROGRESS',
]);

/** A step held until signals matching its dependencies arrive (or an operator bypasses them). */
export const WAITING_FOR_SIGNALS = 'WAITING_FOR_SIGNALS';

/** The instance states that end a run. */
export const TERMINAL_INSTANCE = new Set<string>(INSTANCE_STATUSES.filter(isInstanceTerminal));

/** Step states after which a step never changes again within its run. */
export function isStepFinished(status: string): boolean {
  return (STEP_STATUSES as readonly string[]).includes(status) && isStepTerminal(status as StepStatus);
}

export function isFailure(status: string): boolean {
  return isFailureStatus(status);
}

export function isActive(status: string): boolean {
  return ACTIVE.has(status);
}

/**
 * Green for success, red for failure, cyan while running, dim when passed over, magenta while
 * waiting for signals, yellow otherwise.
 */
export function colorStatus(status: string, s: Style): (text: string) => string {
  if (status === 'SUCCEEDED') return s.green;
  if (isFailureStatus(status)) return s.red;
  if (ACTIVE.has(status)) return s.cyan;
  if (PASSED_OVER.has(status)) return s.dim;
  // Waiting on the outside world, not on Baton: set apart from the yellow "needs a look".
  if (status === WAITING_FOR_SIGNALS) return s.magenta;
  return s.yellow; // STOPPED, COMPLETED_WITH_ERROR, PAUSED, WAITING_FOR_PERMITS (needs a look)
}

/** A one-character mark for the terminal view. */
export function statusMark(status: string): string {
  if (status === 'SUCCEEDED') return '✓';
  if (status === 'COMPLETED_WITH_ERROR') return '!';
  if (isFailureStatus(status)) return '✗';
  if (status === 'STOPPED') return '■';
  if (ACTIVE.has(status)) return '●';
  if (status === WAITING_FOR_SIGNALS) return '⧖';
  if (status === 'DISABLED' || status === 'UNSATISFIED' || status === 'SKIPPED') return '-';
  return '○';
}

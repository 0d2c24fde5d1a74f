import { randomUUID } from 'node:crypto';
import { BatonError } from '@baton/kit';
import { type InstanceEvent, type StepState, isInstanceTerminal } from '../domain';
import type { EventLog } from './event-log';
import type { RunReads } from './run-reads';
import { type LoadedRun, type RunRefInput, checkReason, checkRequestId, invalid } from './run-refs';

export type InstanceCommand = 'stop' | 'kill' | 'pause' | 'resume';

/** Commands on a running run and its steps: each is an appended event, decided by the engine. */
export class RunCommands {
  constructor(
    private readonly events: EventLog,
    private readonly reads: RunReads,
    /** A step paused at a breakpoint was resumed by hand (Breakpoints.forgetPause). */
    private readonly onResumed?: (key: string, stepId: string, attempt: number) => Promise<void>,
  ) {}

  /**
   * stop | kill | pause | resume: appended as an event; the engine applies it (watch the run).
   * Pause and resume need a run that has started and not ended (a pause, then a resume sent at
   * once, may both still be waiting for their decision: each is checked against the newest one).
   */
  // The newest decision is the truth for these checks: the head may lag it by one write.
  async command(ref: RunRefInput, type: InstanceCommand, reason: string, requestId: string): Promise<string> {
    checkRequestId(requestId);
    checkReason(reason);
    const { head, snapshot } = await this.reads.loadRef(ref);
    if (isInstanceTerminal(snapshot.status)) {
      throw BatonError.precondition(
        `run ${head._id} already ended ${snapshot.status}; nothing to ${type}`,
        'RUN_ENDED',
      );
    }
    if ((type === 'pause' || type === 'resume') && snapshot.status === 'CREATED') {
      throw BatonError.precondition(
        `run ${head._id} is queued (CREATED) by its run strategy; only a started run can ${type}`,
        'RUN_NOT_STARTED',
      );
    }
    await this.events.append(head._id, {
      type,
      id: `${head._id}:${type}:${requestId || randomUUID()}`,
      reason,
    });
    return snapshot.status;
  }

  async stepCommand(
    ref: RunRefInput,
    stepId: string,
    type: 'stopStep' | 'skipStep' | 'restartFromStep' | 'bypassSignals',
    reason: string,
    requestId: string,
  ): Promise<string> {
    checkRequestId(requestId);
    checkReason(reason);
    const { head, snapshot } = await this.reads.loadRef(ref);
    const step = stepOf({ head, snapshot }, stepId);
    if (isInstanceTerminal(snapshot.status)) {
      throw BatonError.precondition(
        `run ${head._id} already ended ${snapshot.status}; restart the instance instead`,
        'RUN_ENDED',
      );
    }
    if (type === 'bypassSignals' && step.status !== 'WAITING_FOR_SIGNALS') {
      throw BatonError.precondition(
        `step ${stepId} of run ${head._id} is ${step.status}, not WAITING_FOR_SIGNALS`,
        'NOT_WAITING_FOR_SIGNALS',
      );
    }
    const id = `${head._id}:${type}:${stepId}:${requestId || randomUUID()}`;
    const event: InstanceEvent =
      type === 'restartFromStep' ? { type, id, stepId } : { type, id, stepId, ...(reason ? { reason } : {}) };
    await this.events.append(head._id, event);
    return step.status;
  }

  /**
   * Lets a step paused at a breakpoint go on: its paused attempt (or `attempt`, when named) passes
   * its breakpoints once. `run` is the run's key (a foreach iteration's too).
   */
  async resumeStep(
    run: LoadedRun,
    stepId: string,
    attempt: number,
    reason: string,
    requestId: string,
  ): Promise<string> {
    checkRequestId(requestId);
    checkReason(reason);
    const { head } = run;
    requireStepId(stepId);
    if (!Number.isSafeInteger(attempt) || attempt < 0)
      invalid('attempt must be 0 (the paused one) or more', [
        { field: 'attempt', description: 'must be 0 or more' },
      ]);
    const step = stepOf(run, stepId);
    if (step.status !== 'PAUSED' || step.breakpoint === undefined) {
      throw BatonError.precondition(
        `step ${stepId} of run ${head._id} is ${step.status}, not paused at a breakpoint`,
        'NOT_PAUSED',
      );
    }
    if (attempt && attempt !== step.attempt + 1) {
      throw BatonError.precondition(
        `step ${stepId} of run ${head._id} is paused before attempt ${step.attempt + 1}, not ${attempt}`,
        'NOT_PAUSED',
      );
    }
    await this.events.append(head._id, {
      type: 'resumeStep',
      id: `${head._id}:resumeStep:${stepId}:${requestId || randomUUID()}`,
      stepId,
      attempt: step.attempt + 1,
      ...(reason ? { reason } : {}),
    });
    // It no longer waits on its breakpoint: deleting that one will not count it.
    await this.onResumed?.(head._id, stepId, step.attempt + 1);
    return step.status;
  }
}

function requireStepId(stepId: string): void {
  if (!stepId) invalid('step_id is required', [{ field: 'step_id', description: 'is required' }]);
}

/** The run's step named by a command (`step_id` required; NOT_FOUND when the run has none such). */
function stepOf(run: LoadedRun, stepId: string): StepState {
  requireStepId(stepId);
  const step = run.snapshot.steps.find((s) => s.id === stepId);
  if (!step)
    throw BatonError.notFound(`run ${run.head._id} has no step ${stepId.slice(0, 256)}`, 'STEP_NOT_FOUND');
  return step;
}

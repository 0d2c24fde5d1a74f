import type { SignalRefRecord } from './signal-instance';
import type { RunParamValue } from './trigger-eval';

/** Who a triggered run says started it (the scheduler's StartWorkflow initiator). */
export interface InitiatorSpec {
  kind: 'TIME' | 'SIGNAL' | 'BACKFILL';
  triggerId: string;
  /** TIME/BACKFILL: the nominal fire time; SIGNAL: when the trigger fired. */
  time?: number;
  timezone?: string;
  signals?: SignalRefRecord[];
}

/**
 * What a ledger decision makes happen outside the signal service. Each is idempotent: a decision
 * found not applied (a crash after its insert) performs its effects again.
 */
export type Effect =
  | {
      type: 'startRun';
      workflowId: string;
      /** StartWorkflow's request id: the scheduler starts one run per request id, ever. */
      requestId: string;
      runParams: Record<string, RunParamValue>;
      initiator: InitiatorSpec;
    }
  | {
      type: 'reportMatch';
      waitKey: string;
      instanceKey: string;
      workflowId: string;
      instanceId: number;
      runId: number;
      stepId: string;
      index: number;
      signal: SignalRefRecord;
    }
  | { type: 'dropWait'; waitKey: string; names: string[] }
  | { type: 'backfillDone'; backfillId: string };

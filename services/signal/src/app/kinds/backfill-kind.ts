import { INSTANCE_STATUSES, isInstanceTerminal } from '@baton/model';
import type { SchedulerClient } from '@baton/sdk';
import { type BackfillState, backfillRequestId, decideBackfill } from '../../domain/backfill';
import type { Effect } from '../../domain/effects';
import type { BackfillStore } from '../../store/backfill-store';
import type { RunStore } from '../../store/run-store';
import type { LedgerKind, StepResult } from '../ledger-engine';

/** The instance states that end a run. */
const TERMINAL = new Set<string>(INSTANCE_STATUSES.filter(isInstanceTerminal));
/** How often a running backfill looks at its runs. */
const POLL_MS = 1000;

export const backfillLedgerKey = (id: string) => `bf:${id}`;

/** Backfills: `bf:<backfill id>`. */
export class BackfillKind implements LedgerKind<BackfillState> {
  constructor(
    private readonly backfills: BackfillStore,
    private readonly runs: RunStore,
    private readonly scheduler: SchedulerClient,
  ) {}

  async initial(key: string): Promise<BackfillState | undefined> {
    const spec = await this.backfills.get(key.slice('bf:'.length));
    return spec ? { next: 0, running: [], ended: 0 } : undefined;
  }

  async step(key: string, state: BackfillState, now: number): Promise<StepResult<BackfillState> | undefined> {
    const spec = await this.backfills.get(key.slice('bf:'.length));
    if (!spec || spec.done) return undefined;
    const ended = new Set<number>();
    for (const t of state.running) {
      const run = await this.runs.get(spec.workflowId, backfillRequestId(spec.triggerId, t));
      // Every earlier decision's starts were performed before this step (the engine redoes an
      // unapplied one first): no record means the scheduler refused the start, and it was given up.
      if (!run) {
        ended.add(t);
        continue;
      }
      const res = await this.scheduler
        .getInstance({
          ref: {
            workflowId: spec.workflowId,
            instanceId: String(run.instance_id),
            runId: String(run.run_id),
          },
        })
        .catch(() => undefined);
      if (!res || TERMINAL.has(res.instance?.status ?? '')) ended.add(t);
    }
    const d = decideBackfill(state, spec, ended);
    const effects: Effect[] = d.start.map((t) => ({
      type: 'startRun',
      workflowId: spec.workflowId,
      requestId: backfillRequestId(spec.triggerId, t),
      runParams: {},
      initiator: { kind: 'BACKFILL', triggerId: spec.triggerId, time: t, timezone: spec.timezone },
    }));
    if (d.done) effects.push({ type: 'backfillDone', backfillId: spec.id });
    return {
      state: d.state,
      effects,
      changed: d.changed || d.done,
      ...(d.done ? {} : { wakeAt: now + POLL_MS }),
    };
  }
}

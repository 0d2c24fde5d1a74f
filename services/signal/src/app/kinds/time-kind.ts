import { type TimeShardState, decideTimeShard } from '../../domain/time-shard';
import type { Effect } from '../../domain/effects';
import type { LedgerKind, StepResult } from '../ledger-engine';
import type { TriggerRegistry } from '../trigger-registry';

/** Time triggers, planned per shard: `time:<shard>`. */
export class TimeKind implements LedgerKind<TimeShardState> {
  /**
   * Every decision goes in the background: a shard's next one is due at its next fire time, and
   * the consumer it frees decides the other shards of the same minute meanwhile (held while a
   * minute's fires were started, half the shards of a busy minute waited seconds for a consumer).
   */
  readonly pipelineMaxEffects = Number.POSITIVE_INFINITY;

  constructor(
    private readonly registry: TriggerRegistry,
    /** Due fires later than this are "missed" (catch-up decides); earlier ones fire. */
    private readonly graceMs: number,
  ) {}

  async initial(_key: string): Promise<TimeShardState> {
    return { watermarks: {} };
  }

  async step(
    key: string,
    state: TimeShardState,
    now: number,
  ): Promise<StepResult<TimeShardState> | undefined> {
    const shard = Number(key.slice('time:'.length));
    const d = decideTimeShard(state, this.registry.timeShard(shard), now, this.graceMs);
    const effects: Effect[] = d.fires.map((f) => ({
      type: 'startRun',
      workflowId: f.workflowId,
      requestId: f.requestId,
      runParams: {},
      initiator: { kind: 'TIME', triggerId: f.triggerId, time: f.time, timezone: f.timezone },
    }));
    return {
      state: d.state,
      effects,
      changed: d.changed,
      ...(d.wakeAt !== undefined ? { wakeAt: d.wakeAt } : {}),
    };
  }
}

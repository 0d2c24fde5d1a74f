import { type SignalTriggerState, decideSignalTrigger } from '../../domain/signal-trigger';
import type { Effect } from '../../domain/effects';
import type { SignalInstance } from '../../domain/signal-instance';
import type { LedgerKind, StepResult } from '../ledger-engine';
import type { SignalReader } from '../signal-reader';
import type { TriggerRegistry } from '../trigger-registry';

/** Instances of one name read per decision. */
const READ_CAP = 500;

/** Signal triggers: `strig:<workflow>|<trigger id>`. */
export class SignalTriggerKind implements LedgerKind<SignalTriggerState> {
  /**
   * A fire or a few go in the background: that is the fire that must start at once. A burst
   * (hundreds of fires in one decision) is performed before the next decision, so that a trigger
   * never runs far ahead of the runs it started.
   */
  readonly pipelineMaxEffects = 8;

  constructor(
    private readonly registry: TriggerRegistry,
    private readonly reader: SignalReader,
  ) {}

  async initial(key: string): Promise<SignalTriggerState | undefined> {
    const t = this.registry.signalTrigger(key);
    if (!t) return undefined;
    // Only signals published since the trigger took effect fire it, however late this replica saw it.
    const cursors: Record<string, number> = {};
    for (const name of t.entry.compiled.names)
      cursors[name] = await this.reader.cursorAt(name, t.wf.changedAt);
    return { cursors, pending: {}, fired: 0, skipped: 0 };
  }

  async step(
    key: string,
    state: SignalTriggerState,
    now: number,
  ): Promise<StepResult<SignalTriggerState> | undefined> {
    const t = this.registry.signalTrigger(key);
    if (!t) return undefined;
    const signals: SignalInstance[] = [];
    let again = false;
    const cursors = { ...state.cursors };
    for (const name of t.entry.compiled.names) {
      const read = await this.reader.after(name, state.cursors[name] ?? 0, READ_CAP);
      signals.push(...read.signals);
      cursors[name] = read.latest;
      if (read.capped) again = true;
    }
    if (signals.length === 0) return { state, effects: [], changed: false };
    if (t.wf.signalDisabled) {
      // Disabled: what arrives meanwhile is passed over, not kept for later.
      return { state: { ...state, cursors }, effects: [], changed: true, again };
    }
    const d = decideSignalTrigger(state, t.entry.compiled, signals, now);
    const effects: Effect[] = d.fires.map((f) => ({
      type: 'startRun',
      workflowId: t.wf.workflowId,
      requestId: f.requestId,
      runParams: f.runParams,
      initiator: { kind: 'SIGNAL', triggerId: t.entry.triggerId, time: now, signals: f.signals },
    }));
    return { state: d.state, effects, changed: true, again };
  }
}

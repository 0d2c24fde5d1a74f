import {
  type WaitInput,
  type WaitSpec,
  type WaitState,
  decideWait,
  initialWaitState,
} from '../../domain/signal-wait';
import type { Effect } from '../../domain/effects';
import type { WaitStore } from '../../store/wait-store';
import type { LedgerKind, StepResult } from '../ledger-engine';
import type { SignalReader } from '../signal-reader';

/** New instances read per dependency per decision, and history read back per decision. */
const FORWARD_CAP = 500;
const HISTORY_CHUNK = 256;

export const waitLedgerKey = (waitKey: string) => `wait:${waitKey}`;

/** Steps waiting on signal dependencies: `wait:<wait key>`. */
export class WaitKind implements LedgerKind<WaitState> {
  constructor(
    private readonly waits: WaitStore,
    private readonly reader: SignalReader,
  ) {}

  private spec(key: string): Promise<WaitSpec | undefined> {
    return this.waits.get(key.slice('wait:'.length));
  }

  async initial(key: string): Promise<WaitState | undefined> {
    const spec = await this.spec(key);
    if (!spec) return undefined;
    const latest = await Promise.all(spec.deps.map((d) => this.reader.latest(d.name)));
    return initialWaitState(spec, latest);
  }

  async step(key: string, state: WaitState, _now: number): Promise<StepResult<WaitState> | undefined> {
    const spec = await this.spec(key);
    // Cancelled (its document is gone) or already done: nothing more to match.
    if (!spec || state.matched.every((m) => m !== null)) return undefined;
    let again = false;
    const inputs: (WaitInput | undefined)[] = [];
    for (const [i, dep] of spec.deps.entries()) {
      if (state.matched[i]) {
        inputs.push(undefined);
        continue;
      }
      const newer = await this.reader.after(dep.name, state.forward[i]!, FORWARD_CAP);
      const low = state.backward[i]!;
      const older =
        low > 1 ? await this.reader.range(dep.name, Math.max(1, low - HISTORY_CHUNK), low - 1) : [];
      if (newer.capped || low - HISTORY_CHUNK > 1) again = true;
      inputs.push({ newer: newer.signals, older, latest: newer.latest });
    }
    const d = decideWait(state, spec, inputs);
    const effects: Effect[] = d.matches.map((m) => ({
      type: 'reportMatch',
      waitKey: spec.waitKey,
      instanceKey: spec.instanceKey,
      workflowId: spec.workflowId,
      instanceId: spec.instanceId,
      runId: spec.runId,
      stepId: spec.stepId,
      index: m.index,
      signal: m.signal,
    }));
    if (d.done)
      effects.push({
        type: 'dropWait',
        waitKey: spec.waitKey,
        names: [...new Set(spec.deps.map((x) => x.name))],
      });
    const changed = JSON.stringify(d.state) !== JSON.stringify(state);
    return { state: d.state, effects, changed, again: again && !d.done };
  }
}

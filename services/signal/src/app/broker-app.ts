import type { WaitSpec } from '../domain/signal-wait';
import type { Coordination } from '../redis/coordination';
import { type LineageStore, runSubject, signalSubject } from '../store/lineage-store';
import type { WaitStore } from '../store/wait-store';
import { waitLedgerKey } from './kinds/wait-kind';
import type { PublishInput, Published, Publisher } from './publisher';
import { encodeParams } from '../domain/signal-values';

/** What a step's signal output says about where it came from. */
export interface Producer {
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  attemptKey: string;
}

/** The internal use cases the scheduler calls (SignalBrokerService). */
export class BrokerApp {
  constructor(
    private readonly waits: WaitStore,
    private readonly publisher: Publisher,
    private readonly lineage: LineageStore,
    private readonly coord: Coordination,
  ) {}

  async wait(spec: WaitSpec): Promise<boolean> {
    const created = await this.waits.register(spec, Date.now());
    // Also on a repeat: the first registration may have crashed before reaching Redis.
    await this.coord.addWait(spec.waitKey, [...new Set(spec.deps.map((d) => d.name))]);
    await this.coord.nudge([waitLedgerKey(spec.waitKey)]);
    return created;
  }

  async cancel(waitKey: string): Promise<boolean> {
    const spec = await this.waits.get(waitKey);
    if (!spec) return false;
    await this.waits.remove(waitKey);
    await this.coord.removeWait(waitKey, [...new Set(spec.deps.map((d) => d.name))]);
    return true;
  }

  async publishStep(producer: Producer, signals: Omit<PublishInput, 'producer'>[]): Promise<Published[]> {
    const tag = [
      producer.workflowId,
      producer.instanceId,
      producer.runId,
      producer.stepId,
      producer.attemptKey,
    ].join('|');
    const out: Published[] = [];
    for (const s of signals) {
      const p = await this.publisher.publish({ ...s, producer: tag });
      out.push(p);
      await this.lineage.append(
        [signalSubject(p.name, p.seq), runSubject(producer.workflowId, producer.instanceId)],
        `produced:${p.name}#${p.seq}`,
        {
          signal: { name: p.name, seq: p.seq, params: encodeParams(s.params) },
          workflowId: producer.workflowId,
          instanceId: producer.instanceId,
          runId: producer.runId,
          stepId: producer.stepId,
          relation: 'PRODUCED',
          time: Date.now(),
        },
      );
    }
    return out;
  }
}

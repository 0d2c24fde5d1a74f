import { Metadata } from '@grpc/grpc-js';
import type { ParamValue, internal } from '@baton/proto';
import type { PublishSignalsAction, SignalRef, WaitSignalsAction } from '../domain';

type Broker = internal.SignalBrokerServiceClient;

function call<Res>(
  fn: (md: Metadata, opts: { deadline: number }, cb: (err: Error | null, res: Res) => void) => void,
) {
  return new Promise<Res>((resolve, reject) =>
    fn(new Metadata(), { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

function apiValue(v: { type: 'LONG' | 'STRING'; value: string }): ParamValue {
  return v.type === 'LONG'
    ? { kind: { $case: 'longValue', value: v.value } }
    : { kind: { $case: 'stringValue', value: v.value } };
}

/** The signal service as the scheduler's actions use it (baton.internal.v1.SignalBrokerService). */
export class SignalBroker {
  constructor(private readonly client: Broker) {}

  async wait(a: WaitSignalsAction): Promise<void> {
    await call((md, o, cb) =>
      this.client.waitForSignals(
        {
          waitKey: a.waitKey,
          instanceKey: a.instanceKey,
          workflowId: a.workflowId,
          instanceId: String(a.instanceId),
          runId: String(a.runId),
          stepId: a.stepId,
          dependencies: a.deps.map((d) => ({
            name: d.name,
            match: d.match.map((m) => ({ param: m.param, operator: m.operator, value: apiValue(m.value) })),
          })),
        },
        md,
        o,
        cb,
      ),
    );
  }

  async cancel(waitKey: string): Promise<void> {
    await call((md, o, cb) => this.client.cancelWait({ waitKey }, md, o, cb));
  }

  /** Publishes a step's signal outputs; returns what was published, with seqs. */
  async publish(a: PublishSignalsAction): Promise<SignalRef[]> {
    const res = await call<internal.PublishStepSignalsResponse>((md, o, cb) =>
      this.client.publishStepSignals(
        {
          producer: {
            workflowId: a.workflowId,
            instanceId: String(a.instanceId),
            runId: String(a.runId),
            stepId: a.stepId,
            attemptKey: a.attemptKey,
          },
          signals: a.signals.map((s) => ({
            name: s.name,
            params: Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, apiValue(v)])),
            requestId: s.requestId,
            payload: Object.keys(s.payload).length > 0 ? s.payload : undefined,
          })),
        },
        md,
        o,
        cb,
      ),
    );
    return res.published.map((p, k) => ({ name: p.name, seq: Number(p.seq), params: a.signals[k]!.params }));
  }
}

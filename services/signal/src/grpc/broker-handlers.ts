import type { FieldViolation, UnaryHandler } from '@baton/kit';
import { SIGNAL_LIMITS, workflowIdViolations } from '@baton/model';
import type { internal } from '@baton/proto';
import type { BrokerApp } from '../app/broker-app';
import type { WaitSpec } from '../domain/signal-wait';
import {
  checkName,
  checkRequestId,
  filtersOf,
  payloadOf,
  signalParamsOf,
  throwIfAny,
} from './signal-mapping';

type U<Req, Res> = UnaryHandler<Req, Res>;

function checkKey(key: string, field: string, out: FieldViolation[]): void {
  if (!key) out.push({ field, description: 'is required' });
  else if (key.length > 1024) out.push({ field, description: 'at most 1024 characters' });
}

/** Proto ↔ domain mapping for baton.internal.v1.SignalBrokerService (called by the scheduler). */
export function brokerHandlers(app: BrokerApp) {
  const WaitForSignals: U<internal.WaitForSignalsRequest, internal.WaitForSignalsResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkKey(req.waitKey, 'wait_key', v);
    checkKey(req.instanceKey, 'instance_key', v);
    for (const p of workflowIdViolations(req.workflowId))
      v.push({ field: 'workflow_id', description: p.description });
    if (!req.stepId) v.push({ field: 'step_id', description: 'is required' });
    if (req.dependencies.length === 0 || req.dependencies.length > SIGNAL_LIMITS.maxDependenciesPerStep)
      v.push({
        field: 'dependencies',
        description: `1 to ${SIGNAL_LIMITS.maxDependenciesPerStep} dependencies`,
      });
    const deps = req.dependencies.map((d, i) => {
      checkName(d.name, `dependencies[${i}].name`, v);
      return { name: d.name, match: filtersOf(d.match, `dependencies[${i}].match`, v) };
    });
    throwIfAny('invalid wait', v);
    const spec: WaitSpec = {
      waitKey: req.waitKey,
      instanceKey: req.instanceKey,
      workflowId: req.workflowId,
      instanceId: Number(req.instanceId),
      runId: Number(req.runId),
      stepId: req.stepId,
      deps,
    };
    return { created: await app.wait(spec) };
  };

  const CancelWait: U<internal.CancelWaitRequest, internal.CancelWaitResponse> = async (req) => {
    const v: FieldViolation[] = [];
    checkKey(req.waitKey, 'wait_key', v);
    throwIfAny('invalid wait key', v);
    return { cancelled: await app.cancel(req.waitKey) };
  };

  const PublishStepSignals: U<
    internal.PublishStepSignalsRequest,
    internal.PublishStepSignalsResponse
  > = async (req) => {
    const v: FieldViolation[] = [];
    const p = req.producer;
    if (!p) v.push({ field: 'producer', description: 'is required' });
    else
      for (const x of workflowIdViolations(p.workflowId))
        v.push({ field: 'producer.workflow_id', description: x.description });
    if (req.signals.length > SIGNAL_LIMITS.maxOutputsPerStep * 4)
      v.push({ field: 'signals', description: `at most ${SIGNAL_LIMITS.maxOutputsPerStep * 4} signals` });
    const inputs = req.signals.map((s, i) => {
      checkName(s.name, `signals[${i}].name`, v);
      checkRequestId(s.requestId, `signals[${i}].request_id`, v);
      if (!s.requestId)
        v.push({
          field: `signals[${i}].request_id`,
          description: 'is required (it makes a retry publish once)',
        });
      return {
        name: s.name,
        params: signalParamsOf(s.params, `signals[${i}].params`, v),
        payload: payloadOf(s.payload, v),
        requestId: s.requestId,
      };
    });
    throwIfAny('invalid step signals', v);
    const published = await app.publishStep(
      {
        workflowId: p!.workflowId,
        instanceId: Number(p!.instanceId),
        runId: Number(p!.runId),
        stepId: p!.stepId,
        attemptKey: p!.attemptKey,
      },
      inputs,
    );
    return { published: published.map((x) => ({ name: x.name, seq: String(x.seq), created: x.created })) };
  };

  return { WaitForSignals, CancelWait, PublishStepSignals };
}

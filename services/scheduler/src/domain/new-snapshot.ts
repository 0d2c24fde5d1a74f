import { instanceKeyOf } from './actions';
import { type DecideContext, stepsOf } from './context';
import { planOf } from './plan';
import type { InstanceSnapshot, ParentRef, StepState } from './snapshot';
import type { TriggerInfo } from './trigger-info';

/** Identity of a new run. `key` defaults to `<workflowId>:<instanceId>:<runId>`; a child passes its child key. */
export interface NewInstance {
  workflowId: string;
  instanceId: number;
  runId?: number;
  key?: string;
  parent?: ParentRef;
  depth?: number;
  initiator?: string;
  trigger?: TriggerInfo;
}

/** A fresh step: NOT_CREATED, waiting for all its predecessors; a root is enabled. */
export function freshStep(id: string, predecessors: number): StepState {
  return {
    id,
    status: 'NOT_CREATED',
    waiting: predecessors,
    enabled: predecessors === 0,
    attempt: 0,
    attempts: [],
    retries: { user: 0, platform: 0, timeout: 0 },
  };
}

/**
 * The CREATED snapshot of a new instance (seq 0), which the shell stores when it accepts a start;
 * the run begins with the first decide over a `start` event. A queued run (run strategy) stays
 * CREATED until the shell appends that event.
 */
export function newInstanceSnapshot(ctx: DecideContext, init: NewInstance, now: number): InstanceSnapshot {
  const plan = planOf(stepsOf(ctx));
  const runId = init.runId ?? 1;
  const snap: InstanceSnapshot = {
    workflowId: init.workflowId,
    instanceId: init.instanceId,
    runId,
    key: init.key ?? instanceKeyOf(init.workflowId, init.instanceId, runId),
    depth: init.depth ?? 0,
    seq: 0,
    status: 'CREATED',
    createdAt: now,
    params: {},
    steps: plan.ids.map((id, i) => freshStep(id, plan.predecessors[i]!.length)),
    active: [],
    queue: [],
    blocked: [],
  };
  if (init.parent) snap.parent = init.parent;
  if (init.initiator !== undefined) snap.initiator = init.initiator;
  if (init.trigger !== undefined) snap.trigger = init.trigger;
  return snap;
}

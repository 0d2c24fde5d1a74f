import type { Logger } from 'pino';
import {
  type Action,
  type ChildFinishedEvent,
  type EngineConfig,
  type InstanceSnapshot,
  type RunParamMap,
  type StartChildAction,
  type StartEvent,
  isInstanceTerminal,
  newInstanceSnapshot,
} from '../domain';
import type { Coordination } from '../redis/coordination';
import { type DecisionDoc, type RunHead, type RunRef, decisionId } from '../store/documents';
import type { InstanceStore } from '../store/instance-store';
import type { Breakpoints } from './breakpoints';
import { Decider } from './decision-recorder';
import type { Definitions } from './definitions';
import type { ChildReport, EventLog } from './event-log';
import type { ForeachValues } from './foreach-values';
import { changesOf } from './change-events';
import { contextOf } from './run-context';
import { headAfter } from './run-head';
import { currentTrace } from '@baton/kit';
import { iterationPermits, subworkflowPermits } from './run-permits';
import type { PermitTag } from '../redis/permit-gate';
import type { Runs } from './runs';

/**
 * Performs the actions of the new children's first decisions together (ActionPerformer.performMany);
 * returns their reports to the parent that launched them.
 */
export type PerformMany = (items: { head: RunHead; actions: Action[] }[]) => Promise<ChildFinishedEvent[]>;

/** A child about to exist: its head before decision 0 (its start), and that decision. */
interface Prepared {
  action: StartChildAction;
  head: RunHead;
  d0: DecisionDoc;
  snapshot: InstanceSnapshot;
}

/** A childFinished event for a child's parent (the id makes every kind of report count once). */
export function childFinishedEvent(
  a: { parentKey: string; childKey: string; stepId: string; iteration: number },
  status: ChildFinishedEvent['status'],
  rest: Pick<ChildFinishedEvent, 'outputs' | 'message' | 'params' | 'reusedFrom' | 'leafCounts'>,
): ChildReport {
  return {
    key: a.parentKey,
    event: {
      type: 'childFinished',
      id: `${a.childKey}:finished`,
      stepId: a.stepId,
      iteration: a.iteration,
      childKey: a.childKey,
      status,
      ...rest,
    },
  };
}

/**
 * Creates child instances (foreach/while iterations, subworkflows) in batches, and takes each
 * child's first decision (its start) right here instead of through the ready queue: a foreach
 * launching 500 iterations costs one batch insert of their decisions and one of their heads —
 * not ~10 round trips each. A child whose steps finish at once (NoOp, a nested foreach of such)
 * has ended before its head is written, and its report goes back to the caller in memory.
 *
 * Crash safety is the engine's: decision 0 is inserted first (the fence: when it exists already,
 * the stored one is used, so a redo performs the same actions), then the child's live entry, then
 * its actions, then its head. All of this runs inside the parent's decision apply, which is redone
 * until the parent's next decision exists, and every step tolerates a repeat. Nobody else looks at
 * the child before its head exists.
 */
export class ChildLauncher {
  constructor(
    private readonly store: InstanceStore,
    private readonly coord: Coordination,
    private readonly events: EventLog,
    private readonly runs: Runs,
    private readonly defs: Definitions,
    private readonly config: EngineConfig,
    private readonly log: Logger,
    private readonly foreach?: ForeachValues,
    private readonly now: () => number = Date.now,
    private readonly decider: Decider = new Decider(),
    private readonly breakpoints?: Breakpoints,
  ) {}

  /**
   * Creates the children `actions` name and returns the reports for `parent` of those that ended
   * at once (or could not be created, or were reused): the caller delivers or consumes them.
   */
  async launch(parent: RunHead, actions: StartChildAction[], perform: PerformMany): Promise<ChildReport[]> {
    const now = this.now();
    const ended: ChildReport[] = [];
    const fresh: Prepared[] = [];
    for (const a of actions) {
      if (a.previous?.length) {
        const reused = await this.runs.reusableChild(a.previous);
        if (reused) {
          // Restart from incomplete: this iteration already succeeded in an earlier run.
          ended.push(childFinishedEvent(a, 'SUCCEEDED', { outputs: reused.outputs, reusedFrom: reused.key }));
          continue;
        }
      }
      try {
        fresh.push(await this.prepare(parent, a, now));
      } catch (err) {
        // A child that cannot exist (unknown subworkflow...) fails its step with the reason.
        const message = err instanceof Error ? err.message : String(err);
        ended.push(childFinishedEvent(a, 'FAILED', { message }));
      }
    }
    if (fresh.length === 0) return ended;

    const lost = await this.store.decisions.insertDecisions(fresh.map((p) => p.d0));
    for (const p of fresh) {
      if (!lost.has(p.d0._id)) continue;
      // A redo: the first attempt's decision stands, and its actions are performed again.
      const stored = await this.store.decisions.getDecision(p.head._id, p.d0.seq);
      if (!stored) throw new Error(`decision ${p.d0._id} vanished`);
      p.d0 = stored;
      p.snapshot = JSON.parse(stored.snapshot) as InstanceSnapshot;
    }
    const live = fresh.filter((p) => !isInstanceTerminal(p.snapshot.status));
    await this.store.heads.insertLive(live.map((p) => ({ key: p.head._id, at: now })));
    // An async subworkflow step succeeds on childStarted: it goes first (see Engine.pendingEvents).
    for (const p of fresh) {
      if (p.action.run.kind !== 'subworkflow') continue;
      await this.events.append(p.action.parentKey, {
        type: 'childStarted',
        id: `${p.action.childKey}:started`,
        stepId: p.action.stepId,
        iteration: p.action.iteration,
        childKey: p.action.childKey,
      });
    }
    const reports = await perform(fresh.map((p) => ({ head: p.head, actions: p.d0.actions })));
    await this.store.heads.insertHeads(fresh.map((p) => headAfter(p.head, p.d0, p.snapshot, this.now())));
    // Their change events (a redo, after a crash before this, publishes the same ones again), their
    // wake-ups, and a look at each live one: events may have reached a child before its head
    // existed (a nested foreach's iterations).
    await this.coord.childrenStarted(
      fresh.flatMap((p) => changesOf(p.head._id, p.d0)),
      live.flatMap((p) =>
        p.snapshot.nextWakeAt === undefined ? [] : [{ key: p.head._id, at: p.snapshot.nextWakeAt }],
      ),
      live.map((p) => p.head._id),
    );
    this.log.debug({ parent: parent._id, children: fresh.length, live: live.length }, 'children started');
    return [...ended, ...reports.map((event) => ({ key: parent._id, event }))];
  }

  private async prepare(parent: RunHead, a: StartChildAction, now: number): Promise<Prepared> {
    let run: RunRef;
    let permits: PermitTag[] | undefined;
    if (a.run.kind === 'subworkflow') {
      const pinned = await this.defs.resolve(a.run.workflowId, a.run.version);
      run = { kind: 'subworkflow', workflowId: pinned.workflowId, version: pinned.version };
      permits = subworkflowPermits(
        parent,
        a.childKey,
        pinned.workflowId,
        pinned.stepConcurrency,
        pinned.workflow.instanceStepConcurrency,
      );
    } else {
      permits = iterationPermits(parent);
      const p = parent.run;
      const base =
        p.kind === 'workflow'
          ? { workflowId: parent.workflow_id, version: parent.workflow_version }
          : { workflowId: p.workflowId, version: p.version };
      run = { kind: 'foreach', ...base, stepId: a.run.stepId, ancestors: [] };
    }
    const head: RunHead = {
      _id: a.childKey,
      kind: 'run',
      workflow_id: run.workflowId,
      instance_id: parent.instance_id,
      run_id: parent.run_id,
      workflow_version: run.version,
      run,
      parent_key: a.parentKey,
      ...(permits ? { permits } : {}),
      seq: 0,
      status: 'CREATED',
      inflight: [],
      timeline: [{ time: now, status: 'CREATED' }],
      created_at: now,
      updated_at: now,
    };
    // A child run is part of its parent's trace: its decisions are spans of the same trace.
    const trace = currentTrace() ?? parent.trace;
    if (trace) head.trace = trace;
    const ctx = await contextOf(head, this.defs, this.config, this.breakpoints);
    const snapshot0 = newInstanceSnapshot(
      ctx,
      {
        workflowId: run.workflowId,
        instanceId: parent.instance_id,
        runId: parent.run_id,
        key: a.childKey,
        parent: {
          key: a.parentKey,
          workflowId: parent.workflow_id,
          stepId: a.stepId,
          iteration: a.iteration,
        },
        depth: a.depth,
        ...(a.initiator ? { initiator: a.initiator } : {}),
        ...(a.trigger ? { trigger: a.trigger } : {}),
      },
      now,
    );
    const runParams: RunParamMap = {};
    for (const [k, v] of Object.entries(a.params)) runParams[k] = { value: v };
    const start: StartEvent = {
      type: 'start',
      id: `${a.childKey}:start`,
      runParams,
      ...(a.initiator ? { initiator: a.initiator } : {}),
      ...(a.trigger ? { trigger: a.trigger } : {}),
    };
    const foreachValues = await this.foreach?.hook(ctx, snapshot0);
    // The start is the child's decision 0 (its log has no separate "created" entry: one document
    // less per iteration); decide numbers a decision one past its input.
    const result = this.decider.decide(
      head,
      { ...snapshot0, seq: -1 },
      [start],
      now,
      foreachValues ? { ...ctx, foreachValues } : ctx,
    );
    const d0: DecisionDoc = {
      _id: decisionId(a.childKey, result.snapshot.seq),
      key: a.childKey,
      seq: result.snapshot.seq,
      snapshot: JSON.stringify(result.snapshot),
      consumed: [start.id],
      actions: result.actions,
      timeline: [...head.timeline, ...result.timeline],
      created_at: now,
    };
    return { action: a, head: { ...head, seq: -1, timeline: [] }, d0, snapshot: result.snapshot };
  }
}

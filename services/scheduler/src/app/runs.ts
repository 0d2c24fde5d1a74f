import { currentTrace } from '@baton/kit';
import type {
  JsonObject,
  DecideContext,
  EngineConfig,
  InstanceSnapshot,
  RunParamMap,
  TriggerInfo,
} from '../domain';
import { type DecisionDoc, type RunHead, type RunRef, decisionId } from '../store/documents';
import type { InstanceStore } from '../store/instance-store';
import type { PinnedWorkflow } from './definitions';
import { changesOf } from './change-events';
import type { EventLog } from './event-log';
import type { PermitTag } from '../redis/permit-gate';

export interface NewRun {
  key: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  version: number;
  run: RunRef;
  stepConcurrency?: number;
  /** Its reserved permit tags (see run-permits). */
  permits?: PermitTag[];
  parentKey?: string;
  snapshot: InstanceSnapshot;
  start: {
    runParams?: RunParamMap;
    stepRunParams?: Record<string, RunParamMap>;
    initiator?: string;
    trigger?: TriggerInfo;
  } | null;
}

/**
 * Creates runs: top-level starts and restarts (child instances: ChildLauncher). Decision 0 (the
 * first snapshot) is inserted before the head, and every insert tolerates a
 * duplicate, so a retried or re-applied creation completes a half-made run instead
 * of making a second one.
 */
export class Runs {
  constructor(
    private readonly store: InstanceStore,
    private readonly events: EventLog,
    private readonly config: EngineConfig,
  ) {}

  create(r: NewRun, now: number): Promise<void> {
    return this.createMany([{ run: r, now }]);
  }

  /** Creates many runs with one batched insert per collection (a cron minute starts hundreds). */
  async createMany(items: readonly { run: NewRun; now: number }[]): Promise<void> {
    if (items.length === 0) return;
    const decisions = items.map(
      ({ run: r, now }): DecisionDoc => ({
        _id: decisionId(r.key, 0),
        key: r.key,
        seq: 0,
        snapshot: JSON.stringify(r.snapshot),
        consumed: [],
        actions: [],
        timeline: [{ time: now, status: 'CREATED' }],
        created_at: now,
      }),
    );
    // Both before the heads (whose existence makes a run visible), in parallel with each other.
    await Promise.all([
      this.store.decisions.insertDecisions(decisions),
      this.store.heads.insertLive(items.map(({ run, now }) => ({ key: run.key, at: now }))),
    ]);
    // The run's trace is the one it is created in (StartWorkflow's call, a trigger's, a restart's).
    const trace = currentTrace();
    const heads = items.map(({ run: r, now }, k): RunHead => {
      const head: RunHead = {
        _id: r.key,
        kind: 'run',
        workflow_id: r.workflowId,
        instance_id: r.instanceId,
        run_id: r.runId,
        workflow_version: r.version,
        run: r.run,
        seq: 0,
        status: 'CREATED',
        inflight: [],
        timeline: decisions[k]!.timeline,
        created_at: now,
        updated_at: now,
      };
      if (r.stepConcurrency) head.step_concurrency = r.stepConcurrency;
      if (r.permits) head.permits = r.permits;
      if (r.parentKey) head.parent_key = r.parentKey;
      if (trace) head.trace = trace;
      return head;
    });
    await this.store.heads.insertHeads(heads);
    // Their CREATED: a repeated start (or restart) that completes a half-made run publishes it again.
    await this.events.publishChanges(items.flatMap(({ run }, k) => changesOf(run.key, decisions[k]!)));
    const starts = items.flatMap(({ run: r }) =>
      r.start
        ? [
            {
              key: r.key,
              event: {
                type: 'start' as const,
                id: `${r.key}:start`,
                ...(r.start.runParams ? { runParams: r.start.runParams } : {}),
                ...(r.start.stepRunParams ? { stepRunParams: r.start.stepRunParams } : {}),
                ...(r.start.initiator ? { initiator: r.start.initiator } : {}),
                ...(r.start.trigger ? { trigger: r.start.trigger } : {}),
              },
            },
          ]
        : [],
    );
    await this.events.appendMany(starts);
  }

  /** The context of a top-level run of a pinned workflow. */
  topContext(pinned: PinnedWorkflow): DecideContext {
    return {
      workflow: pinned.workflow,
      stepConcurrency: pinned.stepConcurrency || undefined,
      config: this.config,
    };
  }

  /**
   * A foreach restarted FROM_INCOMPLETE names the keys an iteration had in earlier
   * runs (newest first). The first of them that exists decides: when it ended
   * SUCCEEDED the iteration is reused (its step outputs returned), otherwise it runs again.
   */
  async reusableChild(
    previous: string[] | undefined,
  ): Promise<{ key: string; outputs: Record<string, JsonObject> } | undefined> {
    for (const key of previous ?? []) {
      const head = await this.store.heads.getHead(key);
      if (!head) continue;
      if (head.status !== 'SUCCEEDED') return undefined;
      const decision = await this.store.decisions.latestDecision(key, head.seq);
      if (!decision) return undefined;
      const snap = JSON.parse(decision.snapshot) as InstanceSnapshot;
      return { key, outputs: Object.fromEntries(snap.steps.map((st) => [st.id, st.outputs ?? {}])) };
    }
    return undefined;
  }
}

import { BatonError, type FieldViolation } from '@baton/kit';
import {
  type InstanceSnapshot,
  type TimelineEntry,
  childKeyOf,
  instanceKeyOf,
  isInstanceTerminal,
} from '../domain';
import type { RunChanges } from '../redis/run-changes';
import type { DecisionDoc, RunHead } from '../store/documents';
import { type InstanceStore, isPurged } from '../store/instance-store';
import { type LoadedRun, type RunRefInput, invalid } from './run-refs';

/** Reading runs: one by reference or key, a workflow's instances, a loop's iterations, a watch. */
export class RunReads {
  constructor(
    private readonly store: InstanceStore,
    private readonly changes: RunChanges,
  ) {}

  async resolveKey(ref: RunRefInput): Promise<string> {
    const v: FieldViolation[] = [];
    if (!ref.workflowId) v.push({ field: 'ref.workflow_id', description: 'is required' });
    if (!Number.isInteger(ref.instanceId) || ref.instanceId < 1)
      v.push({ field: 'ref.instance_id', description: 'must be 1 or more' });
    if (!Number.isInteger(ref.runId) || ref.runId < 0)
      v.push({ field: 'ref.run_id', description: 'must be 0 (latest) or more' });
    if (v.length > 0) invalid('invalid instance reference', v);
    // A top-level instance deleted (or being deleted) under retention reads as not found, saying
    // why. Child keys have no instance document: the lookup finds nothing and changes nothing.
    const doc = await this.store.instances.getInstanceDoc(ref.workflowId, ref.instanceId);
    if (doc && isPurged(doc))
      throw BatonError.notFound(
        `instance ${ref.workflowId}/${ref.instanceId} not found: it ended more than INSTANCE_RETENTION_DAYS ago and was deleted`,
        'INSTANCE_NOT_FOUND',
      );
    const runId = ref.runId || (await this.store.instances.latestRunId(ref.workflowId, ref.instanceId));
    if (runId === 0)
      throw BatonError.notFound(
        `instance ${ref.workflowId}/${ref.instanceId} not found`,
        'INSTANCE_NOT_FOUND',
      );
    return instanceKeyOf(ref.workflowId, ref.instanceId, runId);
  }

  async load(key: string): Promise<LoadedRun> {
    return (await this.loadAt(key, await this.store.heads.getHead(key))).run;
  }

  /** A run from its head as just read, with the newest decision (the watch reuses it). */
  private async loadAt(
    key: string,
    head: RunHead | null,
  ): Promise<{ run: LoadedRun; decision: DecisionDoc }> {
    if (head?.kind !== 'run') throw BatonError.notFound(`run ${key} not found`, 'INSTANCE_NOT_FOUND');
    const decision = await this.store.decisions.latestDecision(key, head.seq);
    if (!decision) throw BatonError.notFound(`run ${key} has no state yet`, 'INSTANCE_NOT_FOUND');
    if (decision.seq > head.seq) {
      // The newest decision is not applied to the head yet: show its timeline too.
      const between = [];
      for (let s = head.seq + 1; s < decision.seq; s++)
        between.push(await this.store.decisions.getDecision(key, s));
      const extra = [...between.flatMap((d) => d?.timeline ?? []), ...decision.timeline];
      head.timeline = [...head.timeline, ...extra];
    }
    return { run: { head, snapshot: JSON.parse(decision.snapshot) as InstanceSnapshot }, decision };
  }

  async loadRef(ref: RunRefInput): Promise<LoadedRun> {
    return this.load(await this.resolveKey(ref));
  }

  /**
   * Iterations of a foreach or while step, from the child instances (keys
   * `<run>:<step>:<i>`, or an earlier run's key for an iteration a restart reused).
   * Reads at most `maxReads` heads per call so a status filter cannot scan 100k.
   */
  async iterations(
    ref: RunRefInput,
    stepId: string,
    status: string,
    size: number,
    from: number,
    maxReads = 5000,
  ): Promise<{
    items: { index: number; status: string; childKey: string; startedAt?: number; endedAt?: number }[];
    next?: number;
  }> {
    const { snapshot } = await this.loadRef(ref);
    const step = snapshot.steps.find((s) => s.id === stepId);
    if (!step) throw BatonError.notFound(`run ${snapshot.key} has no step ${stepId}`, 'STEP_NOT_FOUND');
    if (!step.child || step.child.kind === 'subworkflow') {
      throw BatonError.precondition(
        `step ${stepId} is not a foreach or while step (or has not started)`,
        'NOT_A_LOOP',
      );
    }
    const child = step.child;
    const total = child.total > 0 ? child.total : child.next;
    const wanted = status.toUpperCase();
    const items = [];
    let i = from;
    for (let reads = 0; i < total && items.length < size && reads < maxReads; i++, reads++) {
      const keys = [
        childKeyOf(snapshot.key, stepId, i),
        ...(step.prior ?? []).filter((p) => i < p.launched).map((p) => childKeyOf(p.key, stepId, i)),
      ];
      let found: { status: string; childKey: string; startedAt?: number; endedAt?: number } = {
        status: 'NOT_CREATED',
        childKey: keys[0],
      };
      if (i < child.next) {
        for (const key of keys) {
          const head = await this.store.heads.getHead(key);
          if (!head) continue;
          found = { status: head.status, childKey: key, startedAt: head.started_at, endedAt: head.ended_at };
          break;
        }
      }
      if (!wanted || found.status === wanted) items.push({ index: i, ...found });
    }
    return { items, next: i < total ? i : undefined };
  }

  /** Latest runs of a workflow's instances, newest first, from a cursor (an instance id). */
  async list(
    workflowId: string,
    status: string,
    size: number,
    before: number | undefined,
  ): Promise<{ runs: LoadedRun[]; next: number | undefined }> {
    if (!workflowId)
      invalid('workflow_id is required', [{ field: 'workflow_id', description: 'is required' }]);
    const latest = await this.store.instances.latestInstanceId(workflowId);
    const runs: LoadedRun[] = [];
    let n = Math.min(latest, (before ?? latest + 1) - 1);
    const wanted = status.toUpperCase();
    let scanned = 0;
    for (; n >= 1 && runs.length < size && scanned < 5000; n--, scanned++) {
      const runId = await this.store.instances.latestRunId(workflowId, n);
      if (runId === 0) continue;
      const key = instanceKeyOf(workflowId, n, runId);
      const head = await this.store.heads.getHead(key);
      if (!head || (wanted && head.status !== wanted)) continue;
      runs.push(await this.load(key));
    }
    return { runs, next: n >= 1 ? n + 1 : undefined };
  }

  /**
   * Follows a run until it ends or `signal` aborts: `onChange` gets the run as it stands and the
   * timeline entries of the decisions since the last call (at most the last 50). Woken by the
   * engine's head writes over Redis pub/sub, with a slow timer behind it.
   */
  async watch(
    key: string,
    signal: AbortSignal,
    onChange: (run: LoadedRun, changed: TimelineEntry[]) => Promise<void>,
  ): Promise<void> {
    const watch = await this.changes.watch(key);
    try {
      let lastSeq = -1;
      for (;;) {
        const head = await this.store.heads.getHead(key);
        if (!head) throw BatonError.notFound(`run ${key} not found`, 'INSTANCE_NOT_FOUND');
        if (head.seq !== lastSeq) {
          const { run, decision } = await this.loadAt(key, head);
          const changed: TimelineEntry[] = [];
          for (let s = Math.max(lastSeq + 1, run.snapshot.seq - 50); s < run.snapshot.seq; s++) {
            const d = await this.store.decisions.getDecision(key, s);
            if (d) changed.push(...d.timeline);
          }
          if (decision.seq > lastSeq) changed.push(...decision.timeline);
          lastSeq = run.snapshot.seq;
          await onChange(run, changed);
          if (isInstanceTerminal(run.snapshot.status)) return;
        }
        await watch.next(signal);
        if (signal.aborted) return;
      }
    } finally {
      watch.close();
    }
  }
}

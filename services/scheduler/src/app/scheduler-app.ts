import { randomUUID } from 'node:crypto';
import { BatonError, type FieldViolation } from '@baton/kit';
import { canonicalJson } from '@baton/model';
import {
  type InstanceEvent,
  type InstanceSnapshot,
  type RestartMode,
  type RunParamMap,
  type TriggerInfo,
  childKeyOf,
  instanceKeyOf,
  isInstanceTerminal,
  newInstanceSnapshot,
  restartSnapshot,
  validateRunParams,
} from '../domain';
import type { InstanceDoc, RunHead } from '../store/documents';
import { type InstanceStore, isPurged } from '../store/instance-store';
import type { Definitions } from './definitions';
import type { EventLog } from './event-log';
import { contextOf } from './run-context';
import type { Runs } from './runs';
import type { WorkflowQueue } from './workflow-queue';
import type { EngineConfig } from '../domain';

export interface RunRefInput {
  workflowId: string;
  instanceId: number;
  /** 0 = the latest run. */
  runId: number;
}

export interface LoadedRun {
  head: RunHead;
  snapshot: InstanceSnapshot;
}

/** Run params compared by content: key order and "none" versus "empty" do not tell starts apart. */
function paramsText(params: string | RunParamMap | undefined): string {
  const value = typeof params === 'string' ? (JSON.parse(params) as RunParamMap) : params;
  return value && Object.keys(value).length > 0 ? canonicalJson(value) : '';
}

function invalid(message: string, violations: FieldViolation[]): never {
  throw BatonError.invalid(message, violations);
}

/** Idempotency keys are stored and indexed: StartWorkflow and RestartInstance bound them alike. */
function checkRequestId(requestId: string): void {
  if (requestId.length > 256)
    invalid('request_id is too long', [{ field: 'request_id', description: 'at most 256 characters' }]);
}

/** The scheduler's use cases behind the RPCs. Every change is an appended event or a fenced insert. */
export class SchedulerApp {
  constructor(
    private readonly store: InstanceStore,
    private readonly events: EventLog,
    private readonly runs: Runs,
    private readonly defs: Definitions,
    private readonly config: EngineConfig,
    private readonly queue: WorkflowQueue,
  ) {}

  /** STRICT_SEQUENTIAL: lets the queue pass the failed instance that blocks it. */
  async unblock(workflowId: string): Promise<number> {
    if (!workflowId)
      invalid('workflow_id is required', [{ field: 'workflow_id', description: 'is required' }]);
    const a = await this.queue.admit(workflowId);
    if (a.blockedBy === undefined) {
      throw BatonError.precondition(`workflow ${workflowId} is not blocked`, 'NOT_BLOCKED');
    }
    await this.store.unblock(workflowId, a.blockedBy);
    await this.queue.admit(workflowId);
    return a.blockedBy;
  }

  async start(input: {
    workflowId: string;
    version: string;
    runParams?: RunParamMap;
    requestId: string;
    initiator: string;
    trigger?: TriggerInfo;
  }): Promise<{ instanceId: number; runId: number; version: number; status: string; created: boolean }> {
    if (!input.workflowId)
      invalid('workflow_id is required', [{ field: 'workflow_id', description: 'is required' }]);
    checkRequestId(input.requestId);
    const pinned = await this.defs.resolve(input.workflowId, input.version || 'default');
    const violations = validateRunParams(pinned.workflow, input.runParams, { phase: 'start' }).map((v) => ({
      field: v.field.replace(/^params\./, 'run_params.'),
      description: v.description,
    }));
    if (violations.length > 0) invalid(`run params of ${input.workflowId} are invalid`, violations);
    const requestId = input.requestId || randomUUID();
    const reqKey = `${input.workflowId}:${requestId}`;
    const now = Date.now();
    let created = true;
    let instanceId: number;
    let version = pinned.version;
    let ownDoc: InstanceDoc | undefined;
    // The claim's unique insert tells a repeat from a first call: no read before it.
    if (
      !(await this.store.claimRequest({
        _id: reqKey,
        workflow_id: input.workflowId,
        instance_id: null,
        created_at: now,
      }))
    ) {
      // A repeat of an accepted request: the same instance, and finish creating it if the first try crashed.
      created = false;
      const found = await this.waitForRequest(reqKey);
      instanceId = found;
      const inst = await this.store.getInstance(input.workflowId, instanceId);
      // A request id names one start: the same id with other params is a client bug (two different
      // starts sharing an id), and answering with the first instance would hide it.
      if (inst && paramsText(inst.start.run_params) !== paramsText(input.runParams))
        throw new BatonError(
          'ALREADY_EXISTS',
          `request_id ${requestId} already started ${input.workflowId}/${instanceId} with other run params`,
          { reason: 'REQUEST_ID_REUSED' },
        );
      version = inst?.workflow_version ?? version;
    } else {
      const inst = await this.store.allocateInstance((n) => ({
        _id: `${input.workflowId}:${n}`,
        kind: 'instance',
        workflow_id: input.workflowId,
        instance_id: n,
        workflow_version: pinned.version,
        request_id: requestId,
        created_at: new Date(now),
        run_strategy: {
          rule: pinned.runStrategy.rule,
          // PARALLEL without a limit: Maestro's default of 20 at once.
          workflow_concurrency:
            pinned.runStrategy.workflowConcurrency || (pinned.runStrategy.rule === 'PARALLEL' ? 20 : 1),
        },
        start: {
          ...(input.runParams ? { run_params: JSON.stringify(input.runParams) } : {}),
          initiator: input.initiator,
          ...(input.trigger ? { trigger: JSON.stringify(input.trigger) } : {}),
        },
      }));
      instanceId = inst.instance_id;
      ownDoc = inst;
    }
    // Written beside the run's creation: a repeat waits for it, then completes the run (idempotent).
    const requestSet = ownDoc ? this.store.setRequestInstance(reqKey, instanceId) : Promise.resolve();
    const pin = version === pinned.version ? pinned : await this.defs.pinned(input.workflowId, version);
    const ctx = this.runs.topContext(pin);
    const key = instanceKeyOf(input.workflowId, instanceId, 1);
    const snapshot = newInstanceSnapshot(
      ctx,
      {
        workflowId: input.workflowId,
        instanceId,
        runId: 1,
        initiator: input.initiator,
        ...(input.trigger ? { trigger: input.trigger } : {}),
      },
      now,
    );
    await Promise.all([
      requestSet,
      this.runs.create(
        {
          key,
          workflowId: input.workflowId,
          instanceId,
          runId: 1,
          version,
          run: { kind: 'workflow' },
          stepConcurrency: pin.stepConcurrency,
          snapshot,
          // The run strategy appends the start event when the instance may run.
          start: null,
        },
        now,
      ),
    ]);
    let status: string;
    if (ownDoc) {
      // A first start: its admission says whether it runs now; nothing else has touched it yet.
      const a = await this.queue.admitNew(ownDoc);
      status = a.start.includes(instanceId) ? 'IN_PROGRESS' : 'CREATED';
    } else {
      await this.queue.admit(input.workflowId, instanceId);
      const head = await this.store.getHead(key);
      const admitted = (await this.store.getEvent(`${key}:start`)) !== null;
      status = head && head.status !== 'CREATED' ? head.status : admitted ? 'IN_PROGRESS' : 'CREATED';
    }
    return {
      instanceId,
      runId: 1,
      version,
      status,
      created,
    };
  }

  private async waitForRequest(reqKey: string): Promise<number> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const doc = await this.store.getRequest(reqKey);
      if (doc?.instance_id != null) return doc.instance_id;
      if (Date.now() > deadline)
        throw new BatonError(
          'ABORTED',
          'a concurrent start with this request_id is still in progress; retry',
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

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
    const doc = await this.store.getInstanceDoc(ref.workflowId, ref.instanceId);
    if (doc && isPurged(doc))
      throw BatonError.notFound(
        `instance ${ref.workflowId}/${ref.instanceId} not found: it ended more than INSTANCE_RETENTION_DAYS ago and was deleted`,
        'INSTANCE_NOT_FOUND',
      );
    const runId = ref.runId || (await this.store.latestRunId(ref.workflowId, ref.instanceId));
    if (runId === 0)
      throw BatonError.notFound(
        `instance ${ref.workflowId}/${ref.instanceId} not found`,
        'INSTANCE_NOT_FOUND',
      );
    return instanceKeyOf(ref.workflowId, ref.instanceId, runId);
  }

  async load(key: string): Promise<LoadedRun> {
    const head = await this.store.getHead(key);
    if (head?.kind !== 'run') throw BatonError.notFound(`run ${key} not found`, 'INSTANCE_NOT_FOUND');
    const decision = await this.store.latestDecision(key, head.seq);
    if (!decision) throw BatonError.notFound(`run ${key} has no state yet`, 'INSTANCE_NOT_FOUND');
    if (decision.seq > head.seq) {
      // The newest decision is not applied to the head yet: show its timeline too.
      const between = [];
      for (let s = head.seq + 1; s < decision.seq; s++) between.push(await this.store.getDecision(key, s));
      const extra = [...between.flatMap((d) => d?.timeline ?? []), ...decision.timeline];
      head.timeline = [...head.timeline, ...extra];
    }
    return { head, snapshot: JSON.parse(decision.snapshot) as InstanceSnapshot };
  }

  async loadRef(ref: RunRefInput): Promise<LoadedRun> {
    return this.load(await this.resolveKey(ref));
  }

  /** stop | kill: appended as an event; the run ends asynchronously (watch it). */
  // The newest decision is the truth for these checks: the head may lag it by one write.
  async command(ref: RunRefInput, type: 'stop' | 'kill', reason: string, requestId: string): Promise<string> {
    const { head, snapshot } = await this.loadRef(ref);
    if (isInstanceTerminal(snapshot.status)) {
      throw BatonError.precondition(
        `run ${head._id} already ended ${snapshot.status}; nothing to ${type}`,
        'RUN_ENDED',
      );
    }
    await this.events.append(head._id, {
      type,
      id: `${head._id}:${type}:${requestId || randomUUID()}`,
      reason,
    });
    return snapshot.status;
  }

  async stepCommand(
    ref: RunRefInput,
    stepId: string,
    type: 'stopStep' | 'skipStep' | 'restartFromStep' | 'bypassSignals',
    reason: string,
    requestId: string,
  ): Promise<string> {
    const { head, snapshot } = await this.loadRef(ref);
    const step = snapshot.steps.find((s) => s.id === stepId);
    if (!stepId) invalid('step_id is required', [{ field: 'step_id', description: 'is required' }]);
    if (!step) throw BatonError.notFound(`run ${head._id} has no step ${stepId}`, 'STEP_NOT_FOUND');
    if (isInstanceTerminal(snapshot.status)) {
      throw BatonError.precondition(
        `run ${head._id} already ended ${snapshot.status}; restart the instance instead`,
        'RUN_ENDED',
      );
    }
    if (type === 'bypassSignals' && step.status !== 'WAITING_FOR_SIGNALS') {
      throw BatonError.precondition(
        `step ${stepId} of run ${head._id} is ${step.status}, not WAITING_FOR_SIGNALS`,
        'NOT_WAITING_FOR_SIGNALS',
      );
    }
    const id = `${head._id}:${type}:${stepId}:${requestId || randomUUID()}`;
    const event: InstanceEvent =
      type === 'restartFromStep' ? { type, id, stepId } : { type, id, stepId, ...(reason ? { reason } : {}) };
    await this.events.append(head._id, event);
    return step.status;
  }

  /**
   * Starts the next run of an ended instance. With a request id, a repeat answers the run the
   * first call made (even once that run is going or has ended) and starts nothing: the request
   * document names the run it makes before the run is created, and creating a run is idempotent,
   * so a repeat after a crash between the two finishes the job.
   */
  async restart(
    ref: RunRefInput,
    mode: string,
    params: RunParamMap | undefined,
    requestId = '',
  ): Promise<{ key: string; runId: number }> {
    const m = (mode || 'RESTART_FROM_INCOMPLETE').toUpperCase();
    if (m !== 'RESTART_FROM_INCOMPLETE' && m !== 'RESTART_FROM_BEGINNING') {
      invalid(`unknown restart mode ${mode}`, [
        { field: 'mode', description: 'RESTART_FROM_INCOMPLETE or RESTART_FROM_BEGINNING' },
      ]);
    }
    checkRequestId(requestId);
    // Workflow ids never hold '|', so these keys cannot meet a StartWorkflow request's.
    const reqKey = requestId ? `restart|${ref.workflowId}|${ref.instanceId}|${requestId}` : '';
    const asked = reqKey ? await this.store.getRequest(reqKey) : null;
    if (asked?.run_id !== undefined) {
      const latest = await this.store.latestRunId(ref.workflowId, ref.instanceId);
      if (latest >= asked.run_id)
        return {
          key: instanceKeyOf(ref.workflowId, ref.instanceId, asked.run_id),
          runId: asked.run_id,
        };
    }
    const { head, snapshot } = await this.loadRef({ ...ref, runId: 0 });
    if (!isInstanceTerminal(snapshot.status)) {
      throw BatonError.precondition(
        `run ${head._id} is ${snapshot.status}; only an ended run can be restarted`,
        'RUN_NOT_ENDED',
      );
    }
    if (head.run.kind !== 'workflow')
      throw BatonError.precondition('child instances restart with their parent', 'CHILD_RUN');
    const ctx = await contextOf(head, this.defs, this.config);
    const violations = validateRunParams(ctx.workflow, params, { phase: 'restart' });
    if (violations.length > 0) invalid('restart params are invalid', violations);
    const now = Date.now();
    const next = restartSnapshot(
      snapshot,
      ctx,
      { mode: m as RestartMode, ...(params ? { restartParams: params } : {}) },
      now,
    );
    const key = instanceKeyOf(head.workflow_id, head.instance_id, next.runId);
    if (reqKey && !asked) {
      const claimed = await this.store.claimRequest({
        _id: reqKey,
        workflow_id: head.workflow_id,
        instance_id: head.instance_id,
        run_id: next.runId,
        created_at: now,
      });
      // A concurrent repeat claimed it: it creates the same run (the create is idempotent).
      const winner = claimed ? undefined : await this.store.getRequest(reqKey);
      if (winner?.run_id !== undefined && winner.run_id !== next.runId)
        return {
          key: instanceKeyOf(head.workflow_id, head.instance_id, winner.run_id),
          runId: winner.run_id,
        };
    }
    await this.runs.create(
      {
        key,
        workflowId: head.workflow_id,
        instanceId: head.instance_id,
        runId: next.runId,
        version: head.workflow_version,
        run: head.run,
        stepConcurrency: head.step_concurrency,
        snapshot: next,
        start: { initiator: 'restart' },
      },
      now,
    );
    return { key, runId: next.runId };
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
          const head = await this.store.getHead(key);
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
    const latest = await this.store.latestInstanceId(workflowId);
    const runs: LoadedRun[] = [];
    let n = Math.min(latest, (before ?? latest + 1) - 1);
    const wanted = status.toUpperCase();
    let scanned = 0;
    for (; n >= 1 && runs.length < size && scanned < 5000; n--, scanned++) {
      const runId = await this.store.latestRunId(workflowId, n);
      if (runId === 0) continue;
      const key = instanceKeyOf(workflowId, n, runId);
      const head = await this.store.getHead(key);
      if (!head || (wanted && head.status !== wanted)) continue;
      runs.push(await this.load(key));
    }
    return { runs, next: n >= 1 ? n + 1 : undefined };
  }
}

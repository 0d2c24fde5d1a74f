import { randomUUID } from 'node:crypto';
import { BatonError } from '@baton/kit';
import {
  type EngineConfig,
  type RestartMode,
  type RunParamMap,
  type TriggerInfo,
  instanceKeyOf,
  isInstanceTerminal,
  newInstanceSnapshot,
  restartSnapshot,
  validateRunParams,
} from '../domain';
import type { InstanceDoc, StartRequestDoc } from '../store/documents';
import { inChunks } from '../store/mongo-ops';
import type { InstanceStore } from '../store/instance-store';
import type { Definitions, PinnedWorkflow } from './definitions';
import { contextOf } from './run-context';
import type { RunReads } from './run-reads';
import { type RunRefInput, checkReason, checkRequestId, invalid, paramsText } from './run-refs';
import type { NewRun, Runs } from './runs';
import { restartPermits, topRunPermits } from './run-permits';
import type { WorkflowQueue } from './workflow-queue';
import { schedulerMetrics } from './scheduler-metrics';

export interface StartInput {
  workflowId: string;
  version: string;
  runParams?: RunParamMap;
  requestId: string;
  initiator: string;
  trigger?: TriggerInfo;
}

export interface StartResult {
  instanceId: number;
  runId: number;
  version: number;
  status: string;
  created: boolean;
}

/** One start of startMany: its result or its error (a BatonError for a refusal). */
export type StartOutcome = { ok: StartResult; error?: undefined } | { ok?: undefined; error: unknown };

interface PreparedStart {
  input: StartInput;
  pinned: PinnedWorkflow;
  requestId: string;
  /** The start_requests id: `<workflow>:<request id>`. */
  reqKey: string;
  /** When the call came in: the instance's created_at. */
  now: number;
}

/**
 * A claim this old without an instance is taken to be its starter's last act (see recover). Far
 * beyond any start's own writes; a start's caller waits at most 30 s.
 */
const CLAIM_STALE_MS = 60_000;

/** Repeated starts of one startMany handled at once. */
const REPEAT_WIDTH = 16;

function claimOf(p: PreparedStart): StartRequestDoc {
  return { _id: p.reqKey, workflow_id: p.input.workflowId, instance_id: null, created_at: p.now };
}

/** Making runs: StartWorkflow, RestartInstance, and letting a blocked strict queue pass. */
export class RunStarts {
  constructor(
    private readonly store: InstanceStore,
    private readonly runs: Runs,
    private readonly defs: Definitions,
    private readonly config: EngineConfig,
    private readonly queue: WorkflowQueue,
    private readonly reads: RunReads,
  ) {}

  /** STRICT_SEQUENTIAL: lets the queue pass the failed instance that blocks it. */
  async unblock(workflowId: string): Promise<number> {
    if (!workflowId)
      invalid('workflow_id is required', [{ field: 'workflow_id', description: 'is required' }]);
    const a = await this.queue.admit(workflowId);
    if (a.blockedBy === undefined) {
      throw BatonError.precondition(`workflow ${workflowId} is not blocked`, 'NOT_BLOCKED');
    }
    await this.store.queues.unblock(workflowId, a.blockedBy);
    await this.queue.admit(workflowId);
    return a.blockedBy;
  }

  /**
   * Pauses a workflow: runs started from now on wait (CREATED) instead of starting, whatever
   * starts them (a user, a trigger); runs already going go on (pause those with PauseInstance).
   * True when it was not paused before.
   */
  async pauseWorkflow(workflowId: string, reason: string): Promise<boolean> {
    await this.requireWorkflow(workflowId);
    checkReason(reason);
    return this.store.queues.pause(workflowId, reason, Date.now());
  }

  /** Resumes a paused workflow: what waited is admitted now, as its run strategy allows. */
  async resumeWorkflow(workflowId: string): Promise<{ resumed: boolean; started: number }> {
    await this.requireWorkflow(workflowId);
    const resumed = await this.store.queues.resume(workflowId);
    const a = await this.queue.admit(workflowId);
    return { resumed, started: a.start.length };
  }

  private async requireWorkflow(workflowId: string): Promise<void> {
    if (!workflowId)
      invalid('workflow_id is required', [{ field: 'workflow_id', description: 'is required' }]);
    // NOT_FOUND for a workflow the definition service does not know.
    await this.defs.resolve(workflowId, 'latest');
  }

  async start(input: StartInput): Promise<StartResult> {
    const p = await this.prepare(input);
    // The claim's unique insert tells a repeat from a first call: no read before it.
    if (await this.store.requests.claimRequest(claimOf(p))) return (await this.launch([p]))[0]!;
    return this.repeat(p);
  }

  /**
   * Many starts at once (the trigger fires of a cron minute), each exactly as `start` would make
   * it, but written with one batched insert per collection: the claims, the instances, the runs,
   * their start events. One outcome per input, in order; one start's error is its own.
   */
  async startMany(inputs: readonly StartInput[]): Promise<StartOutcome[]> {
    const out: StartOutcome[] = new Array(inputs.length);
    const prepared = await Promise.all(
      inputs.map((input, i) =>
        this.prepare(input).catch((error: unknown) => {
          out[i] = { error };
          return undefined;
        }),
      ),
    );
    const ready = prepared.flatMap((p, i) => (p ? [{ p, i }] : []));
    // Repeats (claimed before, or twice in this batch) take the single path, which waits for the first.
    const claimed = await this.store.requests.claimRequests(ready.map(({ p }) => claimOf(p)));
    const fresh = ready.filter((_, k) => !claimed.has(k));
    const settle = (i: number, run: Promise<StartResult>) =>
      run.then(
        (ok) => {
          out[i] = { ok };
        },
        (error: unknown) => {
          out[i] = { error };
        },
      );
    const launched = this.launch(fresh.map((f) => f.p));
    // Repeats (a retried call) a few at a time: each polls for its first start and may finish it.
    const repeats = ready.filter((_, k) => claimed.has(k));
    await Promise.all([
      ...fresh.map((f, k) =>
        settle(
          f.i,
          launched.then((rs) => rs[k]!),
        ),
      ),
      inChunks(repeats, REPEAT_WIDTH, ({ p, i }) => settle(i, this.repeat(p))),
    ]);
    return out;
  }

  /** Validates a start and resolves its definition: every refusal happens before anything is written. */
  private async prepare(input: StartInput): Promise<PreparedStart> {
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
    return { input, pinned, requestId, reqKey: `${input.workflowId}:${requestId}`, now: Date.now() };
  }

  /** First starts whose requests this call claimed: their instances, runs and admissions, batched. */
  private async launch(items: readonly PreparedStart[]): Promise<StartResult[]> {
    if (items.length === 0) return [];
    const docs = await this.store.instances.allocateInstances(
      items.map(({ input, pinned, requestId, now }) => (n: number): InstanceDoc => {
        // Past half the stale time a repeat may soon take the claim over (see recover): this
        // start must not make an instance then, or the request would have two.
        if (Date.now() - now > CLAIM_STALE_MS / 2)
          throw new BatonError('ABORTED', 'the start took too long to make its instance; retry');
        return {
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
        };
      }),
    );
    // Written beside the runs' creation: a repeat waits for it, then completes the run (idempotent).
    await Promise.all([
      this.store.requests.setRequestInstances(items.map((p, k) => [p.reqKey, docs[k]!.instance_id] as const)),
      this.runs.createMany(
        items.map((p, k) => ({
          run: this.firstRun(p.input, p.pinned, docs[k]!.instance_id, p.now),
          now: p.now,
        })),
      ),
    ]);
    for (const p of items)
      schedulerMetrics().runsStarted.add(1, { initiator: p.input.trigger?.kind.toLowerCase() ?? 'manual' });
    // First starts: their admission says whether each runs now; nothing else has touched them yet.
    const admissions = await this.queue.admitNewMany(docs);
    return items.map((p, k) => ({
      instanceId: docs[k]!.instance_id,
      runId: 1,
      version: p.pinned.version,
      status: admissions[k]!.start.includes(docs[k]!.instance_id) ? 'IN_PROGRESS' : 'CREATED',
      created: true,
    }));
  }

  /** Run 1 of a new instance; its start event comes from the run strategy's admission. */
  private firstRun(input: StartInput, pin: PinnedWorkflow, instanceId: number, now: number): NewRun {
    const key = instanceKeyOf(input.workflowId, instanceId, 1);
    const snapshot = newInstanceSnapshot(
      this.runs.topContext(pin),
      {
        workflowId: input.workflowId,
        instanceId,
        runId: 1,
        initiator: input.initiator,
        ...(input.trigger ? { trigger: input.trigger } : {}),
      },
      now,
    );
    return {
      key,
      workflowId: input.workflowId,
      instanceId,
      runId: 1,
      version: pin.version,
      run: { kind: 'workflow' },
      stepConcurrency: pin.stepConcurrency,
      permits: topRunPermits(
        input.workflowId,
        key,
        pin.stepConcurrency,
        pin.workflow.instanceStepConcurrency,
      ),
      snapshot,
      start: null,
    };
  }

  /** A repeat of an accepted request: the same instance, and finish creating it if the first try crashed. */
  private async repeat(p: PreparedStart): Promise<StartResult> {
    const { input, requestId } = p;
    const found = await this.waitForRequest(p);
    if (typeof found !== 'number') return found;
    const instanceId = found;
    const inst = await this.store.instances.getInstance(input.workflowId, instanceId);
    // A request id names one start: the same id with other params is a client bug (two different
    // starts sharing an id), and answering with the first instance would hide it.
    if (inst && paramsText(inst.start.run_params) !== paramsText(input.runParams))
      throw new BatonError(
        'ALREADY_EXISTS',
        `request_id ${requestId} already started ${input.workflowId}/${instanceId} with other run params`,
        { reason: 'REQUEST_ID_REUSED' },
      );
    const version = inst?.workflow_version ?? p.pinned.version;
    const pin = version === p.pinned.version ? p.pinned : await this.defs.pinned(input.workflowId, version);
    const run = this.firstRun(input, pin, instanceId, p.now);
    await this.runs.create(run, p.now);
    await this.queue.admit(input.workflowId, instanceId);
    const head = await this.store.heads.getHead(run.key);
    const admitted = (await this.store.events.getEvent(`${run.key}:start`)) !== null;
    const status = head && head.status !== 'CREATED' ? head.status : admitted ? 'IN_PROGRESS' : 'CREATED';
    return { instanceId, runId: 1, version, status, created: false };
  }

  /**
   * The instance a claimed request made, once its first start names it; or the whole start, when
   * this call had to make it after all (the first died between its claim and its instance).
   */
  private async waitForRequest(p: PreparedStart): Promise<number | StartResult> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const doc = await this.store.requests.getRequest(p.reqKey);
      if (doc?.instance_id != null) return doc.instance_id;
      if (doc && Date.now() - doc.created_at > CLAIM_STALE_MS) {
        const recovered = await this.recover(p, doc.created_at);
        if (recovered !== undefined) return recovered;
      } else if (Date.now() > deadline) {
        throw new BatonError(
          'ABORTED',
          'a concurrent start with this request_id is still in progress; retry',
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * A claim still without an instance CLAIM_STALE_MS after it was made: its starter died (a start
   * gives up making an instance half that long after its claim, see launch). If it got as far as the
   * instance, the claim is completed with it; otherwise one caller takes the claim over (a compare
   * on the claim's time) and starts the run itself. Before this, such a request answered ABORTED
   * forever, and a trigger's fire was never started.
   */
  private async recover(p: PreparedStart, claimedAt: number): Promise<number | StartResult | undefined> {
    const made = await this.store.instances.findByRequest(p.input.workflowId, p.requestId, claimedAt);
    if (made !== null) {
      await this.store.requests.setRequestInstance(p.reqKey, made);
      return made;
    }
    const now = Date.now();
    // Lost: another caller took it over and is starting it; wait for that one.
    if (!(await this.store.requests.takeOver(p.reqKey, claimedAt, now))) return undefined;
    return (await this.launch([{ ...p, now }]))[0]!;
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
    const asked = reqKey ? await this.store.requests.getRequest(reqKey) : null;
    if (asked?.run_id !== undefined) {
      const latest = await this.store.instances.latestRunId(ref.workflowId, ref.instanceId);
      if (latest >= asked.run_id)
        return {
          key: instanceKeyOf(ref.workflowId, ref.instanceId, asked.run_id),
          runId: asked.run_id,
        };
    }
    const { head, snapshot } = await this.reads.loadRef({ ...ref, runId: 0 });
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
      const claimed = await this.store.requests.claimRequest({
        _id: reqKey,
        workflow_id: head.workflow_id,
        instance_id: head.instance_id,
        run_id: next.runId,
        created_at: now,
      });
      // A concurrent repeat claimed it: it creates the same run (the create is idempotent).
      const winner = claimed ? undefined : await this.store.requests.getRequest(reqKey);
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
        ...(head.permits ? { permits: restartPermits(head, key) } : {}),
        snapshot: next,
        start: { initiator: 'restart' },
      },
      now,
    );
    return { key, runId: next.runId };
  }
}

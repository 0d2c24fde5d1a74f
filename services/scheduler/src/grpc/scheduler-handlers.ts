import {
  BatonError,
  type FieldViolation,
  type ServerStreamHandler,
  type UnaryHandler,
  pageSize,
  pageToken,
  readPageToken,
} from '@baton/kit';
import type { StepDef } from '@baton/model';
import * as api from '@baton/proto';
import type { Definitions } from '../app/definitions';
import type { LoadedRun, RunRefInput, SchedulerApp } from '../app/scheduler-app';
import type { TagPermitView } from '../app/tag-permits';
import { withPermitWaits } from '../app/permit-view';
import type { BreakpointDoc } from '../store/breakpoint-store';
import { INSTANCE_STATUSES, STEP_STATUSES } from '../domain';
import {
  ANSWER_BUDGET_BYTES,
  fitInstance,
  fitStepRun,
  fitStepSummary,
  instanceBytes,
  pageThatFits,
} from './answer-size';
import { toApiInstance, toApiStepRun, toApiTimeline, toStepSummary } from './instance-mapper';
import { toRunParams } from './param-mapping';
import { startInputOf, toStartResponse } from './start-mapping';

type U<Req, Res> = UnaryHandler<Req, Res>;

function refOf(ref: api.InstanceRef | undefined): RunRefInput {
  return {
    workflowId: ref?.workflowId ?? '',
    instanceId: idOf(ref?.instanceId, 'ref.instance_id'),
    runId: idOf(ref?.runId, 'ref.run_id'),
  };
}

/**
 * Instance and run ids travel as int64 decimal strings but are numbers here; one beyond 2^53
 * would be rounded to a neighbour's id, so it is refused rather than silently misread.
 */
export function idOf(value: string | undefined, field: string): number {
  const s = value ?? '0';
  const n = Number(s);
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n) || n < 0) {
    throw BatonError.invalid(`${field} must be an integer from 0 to 2^53-1, got ${s.slice(0, 40)}`, [
      { field, description: `must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}` },
    ]);
  }
  return n;
}

/** An optional status filter must name a status that exists; an unknown one would match nothing. */
function statusFilter(value: string, allowed: readonly string[], field = 'status'): string {
  if (value === '' || allowed.includes(value.toUpperCase())) return value;
  throw BatonError.invalid(`unknown ${field} '${value.slice(0, 40)}'`, [
    { field, description: `must be one of ${allowed.join(', ')}` },
  ]);
}

function toApiBreakpoint(b: BreakpointDoc): api.Breakpoint {
  return {
    id: b._id,
    workflowId: b.workflow_id,
    stepId: b.step_id,
    version: String(b.version ?? 0),
    instanceId: String(b.instance_id ?? 0),
    runId: String(b.run_id ?? 0),
    attempt: b.attempt ?? 0,
    createdAt: new Date(b.created_at),
  };
}

function attemptOf(n: number): number {
  if (!Number.isInteger(n) || n < 0)
    throw BatonError.invalid(`attempt must be 0 (any) or more, got ${n}`, [
      { field: 'attempt', description: 'must be 0 (any) or more' },
    ]);
  return n;
}

function toApiPermit(p: TagPermitView): api.TagPermit {
  return {
    tag: p.tag,
    maxAllowed: p.maxAllowed,
    running: String(p.running),
    waiting: String(p.waiting),
    updatedAt: new Date(p.updatedAt),
  };
}

/** Proto ↔ domain mapping for baton.v1.SchedulerService; the rules live in SchedulerApp and decide. */
export function schedulerHandlers(app: SchedulerApp, defs: Definitions) {
  const stepDefs = async (run: LoadedRun): Promise<Map<string, StepDef>> => {
    const map = new Map<string, StepDef>();
    try {
      const h = run.head;
      const wf =
        h.run.kind === 'workflow'
          ? await defs.pinned(h.workflow_id, h.workflow_version)
          : await defs.pinned(h.run.workflowId, h.run.version);
      const walk = (steps: readonly StepDef[]) => {
        for (const s of steps) {
          map.set(s.id, s);
          if (s.kind === 'foreach' || s.kind === 'while') walk(s.steps);
        }
      };
      walk(wf.workflow.steps);
    } catch {
      // Types are cosmetic here; a missing definition leaves them empty.
    }
    return map;
  };
  const instance = async (loaded: LoadedRun) => {
    const run = await withPermitWaits(loaded, app.gate);
    return toApiInstance(run, await stepDefs(run));
  };
  const fitted = (inst: api.Instance) => {
    fitInstance(inst);
    return inst;
  };

  const StartWorkflow: U<api.StartWorkflowRequest, api.StartWorkflowResponse> = async (req, ctx) =>
    toStartResponse(req.workflowId, await app.starts.start(startInputOf(req, ctx.principal)));

  /** A run named by `ref`, or by `key` (any run's key, a child's too). */
  const runOf = async (ref: api.InstanceRef | undefined, key: string): Promise<LoadedRun> => {
    if (!key) return app.reads.loadRef(refOf(ref));
    if (key.length > 1024)
      throw BatonError.invalid('key is too long', [{ field: 'key', description: 'at most 1024 characters' }]);
    if (ref)
      throw BatonError.invalid('give ref or key, not both', [
        { field: 'key', description: 'ref is set too' },
      ]);
    return app.reads.load(key);
  };
  const GetInstance: U<api.GetInstanceRequest, api.GetInstanceResponse> = async (req) => {
    return { instance: fitted(await instance(await runOf(req.ref, req.key))) };
  };

  const ListInstances: U<api.ListInstancesRequest, api.ListInstancesResponse> = async (req) => {
    const size = pageSize(req.pageSize, 'page_size', 50, 500);
    const before = readPageToken<number>(req.pageToken);
    const out = await app.reads.list(
      req.workflowId,
      statusFilter(req.status, INSTANCE_STATUSES),
      size,
      before,
    );
    const instances = await Promise.all(out.runs.map(instance));
    const fits = pageThatFits(
      instances.map((i) => {
        fitInstance(i);
        return instanceBytes(i);
      }),
    );
    if (fits < instances.length) {
      // The page ends early to stay under the message limit; the next one starts after it.
      return {
        instances: instances.slice(0, fits),
        nextPageToken: pageToken(out.runs[fits - 1]!.snapshot.instanceId),
      };
    }
    return { instances, nextPageToken: out.next === undefined ? '' : pageToken(out.next) };
  };

  const WatchInstance: ServerStreamHandler<api.WatchInstanceRequest, api.WatchInstanceResponse> = async (
    req,
    ctx,
    send,
  ) => {
    const key = await app.reads.resolveKey(refOf(req.ref));
    try {
      await app.reads.watch(key, ctx.signal, async (run, changed) => {
        const inst = await instance(run);
        const changes = toApiTimeline(changed);
        const changedBytes = changes.reduce((n, e) => n + api.TimelineEntry.encode(e).finish().length + 8, 0);
        fitInstance(inst, ANSWER_BUDGET_BYTES - changedBytes);
        await send({ instance: inst, changes });
      });
    } catch (err) {
      // The deadline cap ends a watch with status OK (the client watches again), also when it
      // strikes while a message is being sent.
      if (ctx.signal.aborted && err === ctx.signal.reason && (err as BatonError).code === 'DEADLINE_EXCEEDED')
        return;
      throw err;
    }
  };

  /**
   * The changes stream, read with XREAD after the caller's cursor (a few hundred at a time, and
   * every 250 ms when it is quiet), filtered by workflow prefix. Ends OK at the deadline cap.
   */
  const WatchChanges: ServerStreamHandler<api.WatchChangesRequest, api.WatchChangesResponse> = async (
    req,
    ctx,
    send,
  ) => {
    const v: FieldViolation[] = [];
    if (req.after !== '' && req.after !== '0' && !/^\d{1,20}-\d{1,20}$/.test(req.after))
      v.push({ field: 'after', description: 'a stream id such as 1765432100000-0, "0" or empty' });
    if (req.workflowIdPrefix.length > 128)
      v.push({ field: 'workflow_id_prefix', description: 'at most 128 characters' });
    if (v.length > 0) throw BatonError.invalid('invalid WatchChanges request', v);
    let cursor = req.after === '' ? await app.feed.latest() : req.after;
    while (!ctx.signal.aborted) {
      const batch = await app.feed.read(cursor, 500);
      for (const e of batch) {
        cursor = e.streamId;
        if (workflowOfChange(e).startsWith(req.workflowIdPrefix)) await send({ event: e });
      }
      if (batch.length === 0) await abortableSleep(250, ctx.signal);
    }
  };

  const stepRun = async (ref: api.InstanceRef | undefined, stepId: string) => {
    const run = await withPermitWaits(await app.reads.loadRef(refOf(ref)), app.gate);
    const step = run.snapshot.steps.find((s) => s.id === stepId);
    if (!step) throw BatonError.notFound(`run ${run.head._id} has no step ${stepId}`, 'STEP_NOT_FOUND');
    const out = toApiStepRun(run, step, (await stepDefs(run)).get(stepId));
    fitStepRun(out);
    return out;
  };

  return {
    StartWorkflow,
    GetInstance,
    ListInstances,
    WatchInstance,
    WatchChanges,
    StopInstance: (async (req) => ({
      status: await app.commands.command(refOf(req.ref), 'stop', req.reason, req.requestId),
    })) as U<api.StopInstanceRequest, api.StopInstanceResponse>,
    PauseInstance: (async (req) => ({
      status: await app.commands.command(refOf(req.ref), 'pause', req.reason, req.requestId),
    })) as U<api.PauseInstanceRequest, api.PauseInstanceResponse>,
    ResumeInstance: (async (req) => ({
      status: await app.commands.command(refOf(req.ref), 'resume', req.reason, req.requestId),
    })) as U<api.ResumeInstanceRequest, api.ResumeInstanceResponse>,
    KillInstance: (async (req) => ({
      status: await app.commands.command(refOf(req.ref), 'kill', req.reason, req.requestId),
    })) as U<api.KillInstanceRequest, api.KillInstanceResponse>,
    RestartInstance: (async (req) => {
      const out = await app.starts.restart(
        refOf(req.ref),
        req.mode,
        toRunParams(req.runParams),
        req.requestId,
      );
      const ref = refOf(req.ref);
      return {
        ref: { workflowId: ref.workflowId, instanceId: String(ref.instanceId), runId: String(out.runId) },
        status: 'IN_PROGRESS',
      };
    }) as U<api.RestartInstanceRequest, api.RestartInstanceResponse>,
    ListIterations: (async (req) => {
      const size = pageSize(req.pageSize, 'page_size', 100, 1000);
      const from = readPageToken<number>(req.pageToken) ?? 0;
      if (!req.stepId)
        throw BatonError.invalid('step_id is required', [{ field: 'step_id', description: 'is required' }]);
      const status = statusFilter(req.status, [...INSTANCE_STATUSES, 'NOT_CREATED']);
      const out = await app.reads.iterations(refOf(req.ref), req.stepId, status, size, from);
      return {
        iterations: out.items.map((it) => ({
          index: String(it.index),
          status: it.status,
          childKey: it.childKey,
          startedAt: it.startedAt === undefined ? undefined : new Date(it.startedAt),
          endedAt: it.endedAt === undefined ? undefined : new Date(it.endedAt),
        })),
        nextPageToken: out.next === undefined ? '' : pageToken(out.next),
      };
    }) as U<api.ListIterationsRequest, api.ListIterationsResponse>,
    PauseWorkflow: (async (req) => ({
      paused: await app.starts.pauseWorkflow(req.workflowId, req.reason),
    })) as U<api.PauseWorkflowRequest, api.PauseWorkflowResponse>,
    ResumeWorkflow: (async (req) => await app.starts.resumeWorkflow(req.workflowId)) as U<
      api.ResumeWorkflowRequest,
      api.ResumeWorkflowResponse
    >,
    ResumeStep: (async (req) => ({
      status: await app.commands.resumeStep(
        await runOf(req.ref, req.key),
        req.stepId,
        req.attempt,
        req.reason,
        req.requestId,
      ),
    })) as U<api.ResumeStepRequest, api.ResumeStepResponse>,
    SetBreakpoint: (async (req) => ({
      breakpoint: toApiBreakpoint(
        await app.breakpoints.set({
          workflowId: req.workflowId,
          stepId: req.stepId,
          version: idOf(req.version, 'version'),
          instanceId: idOf(req.instanceId, 'instance_id'),
          runId: idOf(req.runId, 'run_id'),
          attempt: attemptOf(req.attempt),
        }),
      ),
    })) as U<api.SetBreakpointRequest, api.SetBreakpointResponse>,
    ListBreakpoints: (async (req) => ({
      breakpoints: (await app.breakpoints.list(req.workflowId)).map(toApiBreakpoint),
    })) as U<api.ListBreakpointsRequest, api.ListBreakpointsResponse>,
    DeleteBreakpoint: (async (req) => {
      const n = await app.breakpoints.delete(req.workflowId, req.id);
      return { deleted: n >= 0, resumed: Math.max(0, n) };
    }) as U<api.DeleteBreakpointRequest, api.DeleteBreakpointResponse>,
    SetTagPermit: (async (req) => ({
      permit: toApiPermit(await app.permits.set(req.tag, req.maxAllowed)),
    })) as U<api.SetTagPermitRequest, api.SetTagPermitResponse>,
    DeleteTagPermit: (async (req) => ({ deleted: await app.permits.delete(req.tag) })) as U<
      api.DeleteTagPermitRequest,
      api.DeleteTagPermitResponse
    >,
    ListTagPermits: (async (req) => ({
      permits: (await app.permits.list(req.tagPrefix)).map(toApiPermit),
    })) as U<api.ListTagPermitsRequest, api.ListTagPermitsResponse>,
    UnblockWorkflow: (async (req) => ({
      unblockedInstanceId: String(await app.starts.unblock(req.workflowId)),
    })) as U<api.UnblockWorkflowRequest, api.UnblockWorkflowResponse>,
    GetStepRun: (async (req) => ({ stepRun: await stepRun(req.ref, req.stepId) })) as U<
      api.GetStepRunRequest,
      api.GetStepRunResponse
    >,
    ListStepRuns: (async (req) => {
      const run = await withPermitWaits(await app.reads.loadRef(refOf(req.ref)), app.gate);
      const size = pageSize(req.pageSize, 'page_size', 100, 1000);
      const from = readPageToken<number>(req.pageToken) ?? 0;
      const defsMap = await stepDefs(run);
      const wanted = statusFilter(req.status, STEP_STATUSES).toUpperCase();
      const shown = (s: (typeof run.snapshot.steps)[number]) =>
        s.permitTag !== undefined ? 'WAITING_FOR_PERMITS' : s.status;
      const all = run.snapshot.steps.filter((s) => !wanted || shown(s) === wanted);
      const page = all.slice(from, from + size).map((s) => toStepSummary(s, defsMap.get(s.id), run.snapshot));
      // Ends early when the page would not fit in one message.
      const fits = pageThatFits(page.map((s) => fitStepSummary(s)));
      const end = from + fits;
      return {
        stepRuns: page.slice(0, fits),
        nextPageToken: end < all.length ? pageToken(end) : '',
      };
    }) as U<api.ListStepRunsRequest, api.ListStepRunsResponse>,
    StopStep: (async (req) => ({
      status: await app.commands.stepCommand(
        refOf(req.ref),
        req.stepId,
        'stopStep',
        req.reason,
        req.requestId,
      ),
    })) as U<api.StopStepRequest, api.StopStepResponse>,
    SkipStep: (async (req) => ({
      status: await app.commands.stepCommand(
        refOf(req.ref),
        req.stepId,
        'skipStep',
        req.reason,
        req.requestId,
      ),
    })) as U<api.SkipStepRequest, api.SkipStepResponse>,
    RestartStep: (async (req) => ({
      status: await app.commands.stepCommand(
        refOf(req.ref),
        req.stepId,
        'restartFromStep',
        req.reason,
        req.requestId,
      ),
    })) as U<api.RestartStepRequest, api.RestartStepResponse>,
    BypassSignalDependencies: (async (req) => ({
      status: await app.commands.stepCommand(
        refOf(req.ref),
        req.stepId,
        'bypassSignals',
        req.reason,
        req.requestId,
      ),
    })) as U<api.BypassSignalDependenciesRequest, api.BypassSignalDependenciesResponse>,
  };
}

/** The workflow a change is about (a run's or step's top-level workflow, or the definition's). */
function workflowOfChange(e: api.ChangeEvent): string {
  const c = e.change;
  if (!c) return '';
  return c.$case === 'definition' ? c.value.workflowId : (c.value.ref?.workflowId ?? '');
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

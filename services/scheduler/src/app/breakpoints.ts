import { BatonError, type RedisClient } from '@baton/kit';
import { walkSteps } from '@baton/model';
import type { BreakpointRule } from '../domain';
import { KEYS } from '../redis/keys';
import { type BreakpointDoc, type BreakpointStore, MAX_BREAKPOINTS } from '../store/breakpoint-store';
import type { Definitions } from './definitions';
import type { EventLog } from './event-log';
import { invalid } from './run-refs';

export interface BreakpointInput {
  workflowId: string;
  stepId: string;
  /** 0 = any (version, instance, run, attempt). */
  version: number;
  instanceId: number;
  runId: number;
  attempt: number;
}

/** How often a scheduler reads the breakpoints again whatever the epoch says (a lost bump). */
const RELOAD_MS = 30_000;

/**
 * Step breakpoints: stored in MongoDB, held in memory by every scheduler replica and handed to
 * decide with each decision (ctx.breakpoints). A replica knows its copy is current by the epoch in
 * Redis, which every change bumps after its write and which the engine reads in the same round trip
 * as a run's pending events — so a decision that begins after SetBreakpoint answered sees it.
 */
export class Breakpoints {
  private byWorkflow = new Map<string, BreakpointRule[]>();
  private epoch: string | null | undefined = undefined;
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly store: BreakpointStore,
    private readonly redis: RedisClient,
    private readonly defs: Definitions,
    private readonly events: EventLog,
  ) {}

  /** The breakpoints of a workflow as of the last sync. */
  of(workflowId: string): readonly BreakpointRule[] {
    return this.byWorkflow.get(workflowId) ?? NONE;
  }

  /** Reloads when the epoch read with a run's events differs from the one loaded (or every RELOAD_MS). */
  async sync(epoch: string | null): Promise<void> {
    if (epoch === this.epoch && Date.now() - this.loadedAt < RELOAD_MS) return;
    this.loading ??= this.load(epoch).finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async load(epoch: string | null): Promise<void> {
    const docs = await this.store.all();
    const next = new Map<string, BreakpointRule[]>();
    for (const d of docs) {
      const list = next.get(d.workflow_id) ?? [];
      list.push(ruleOf(d));
      next.set(d.workflow_id, list);
    }
    this.byWorkflow = next;
    this.epoch = epoch;
    this.loadedAt = Date.now();
  }

  async set(input: BreakpointInput): Promise<BreakpointDoc> {
    await this.requireStep(input.workflowId, input.stepId, input.version);
    const doc: BreakpointDoc = {
      _id: breakpointId(input),
      workflow_id: input.workflowId,
      step_id: input.stepId,
      created_at: Date.now(),
    };
    if (input.version) doc.version = input.version;
    if (input.instanceId) doc.instance_id = input.instanceId;
    if (input.runId) doc.run_id = input.runId;
    if (input.attempt) doc.attempt = input.attempt;
    const existing = await this.store.get(doc._id);
    if (existing) return existing;
    if ((await this.store.count()) >= MAX_BREAKPOINTS)
      throw BatonError.precondition(
        `there are ${MAX_BREAKPOINTS} breakpoints already`,
        'TOO_MANY_BREAKPOINTS',
      );
    await this.store.put(doc);
    await this.bump();
    return doc;
  }

  async list(workflowId: string): Promise<BreakpointDoc[]> {
    requireText('workflow_id', workflowId);
    return this.store.ofWorkflow(workflowId);
  }

  /** Deletes a breakpoint; every attempt paused at it goes on. Returns the runs woken (or -1: none such). */
  async delete(workflowId: string, id: string): Promise<number> {
    requireText('workflow_id', workflowId);
    requireText('id', id);
    if (!id.startsWith(`${workflowId}:`))
      invalid('id is not a breakpoint of this workflow', [
        { field: 'id', description: `must be a breakpoint id of ${workflowId.slice(0, 256)}` },
      ]);
    const deleted = await this.store.delete(id);
    await this.bump();
    // The woken runs resume on their next decision anyway (decide resumes a step whose
    // breakpoint is gone); the event makes that decision happen now.
    const pauses = await this.store.pausesOf(id);
    await this.events.appendMany(
      pauses.map((p) => ({
        key: p.instance_key,
        event: {
          type: 'resumeStep' as const,
          id: `${p._id}:resume:${id}`,
          stepId: p.step_id,
          attempt: p.attempt,
          breakpointId: id,
          reason: `breakpoint ${id} deleted`,
        },
      })),
    );
    await this.store.forget(pauses.map((p) => p._id));
    return deleted ? pauses.length : -1;
  }

  /** A step paused at a breakpoint (the stepPaused action). */
  paused(instanceKey: string, stepId: string, attempt: number, breakpointId: string): Promise<void> {
    return this.store.paused({
      _id: `${instanceKey}:${stepId}:${attempt}`,
      breakpoint_id: breakpointId,
      instance_key: instanceKey,
      step_id: stepId,
      attempt,
    });
  }

  /** A paused step resumed by hand: deleting its breakpoint does not count (or wake) it. */
  async forgetPause(instanceKey: string, stepId: string, attempt: number): Promise<void> {
    await this.store.forget([`${instanceKey}:${stepId}:${attempt}`]);
  }

  private async bump(): Promise<void> {
    await this.redis.incr(KEYS.breakpointEpoch);
  }

  /** The workflow exists (NOT_FOUND otherwise) and has the step, at any depth, in that version. */
  private async requireStep(workflowId: string, stepId: string, version: number): Promise<void> {
    requireText('workflow_id', workflowId);
    requireText('step_id', stepId);
    const pinned = await this.defs.resolve(workflowId, version ? String(version) : 'latest');
    let found = false;
    walkSteps(pinned.workflow, (s) => {
      if (s.id === stepId) found = true;
    });
    if (!found)
      invalid(`workflow ${workflowId} v${pinned.version} has no step ${stepId.slice(0, 256)}`, [
        { field: 'step_id', description: `no such step in ${workflowId} version ${pinned.version}` },
      ]);
  }
}

const NONE: readonly BreakpointRule[] = [];

function ruleOf(d: BreakpointDoc): BreakpointRule {
  const r: BreakpointRule = { id: d._id, stepId: d.step_id };
  if (d.version !== undefined) r.version = d.version;
  if (d.instance_id !== undefined) r.instanceId = d.instance_id;
  if (d.run_id !== undefined) r.runId = d.run_id;
  if (d.attempt !== undefined) r.attempt = d.attempt;
  return r;
}

export function breakpointId(b: BreakpointInput): string {
  const any = (n: number) => (n ? String(n) : '*');
  return [b.workflowId, b.stepId, any(b.version), any(b.instanceId), any(b.runId), any(b.attempt)].join(':');
}

function requireText(field: string, value: string): void {
  if (!value) invalid(`${field} is required`, [{ field, description: 'is required' }]);
  if (value.length > 1024)
    invalid(`${field} is too long`, [{ field, description: 'at most 1024 characters' }]);
}

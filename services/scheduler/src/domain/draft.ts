import type { StepDef } from '@baton/model';
import type { Action, TimelineEntry } from './actions';
import { type DecideContext, type EngineConfig, configOf, stepsOf } from './context';
import { type Plan, planOf } from './plan';
import type { InstanceSnapshot, StepState } from './snapshot';
import type { StepStatus } from './statuses';

/**
 * The working copy of one decide call. Copy-on-write: the input snapshot is never mutated; the
 * steps array is copied once (O(steps) pointer copy) and a step is cloned the first time it
 * changes, so a call costs O(changed steps) beyond that copy.
 */
export class Draft {
  readonly snap: InstanceSnapshot;
  readonly plan: Plan;
  readonly config: EngineConfig;
  readonly actions: Action[] = [];
  readonly timeline: TimelineEntry[] = [];
  /** A timer field changed: nextWakeAt must be recomputed. */
  timersDirty = false;
  /** Steps whose status (or list membership) changed in this call. */
  readonly changed = new Set<number>();
  private readonly cloned = new Set<number>();
  private uniqueIds = 0;

  constructor(
    prev: InstanceSnapshot,
    readonly ctx: DecideContext,
    readonly now: number,
  ) {
    this.plan = planOf(stepsOf(ctx));
    this.config = configOf(ctx);
    this.snap = {
      ...prev,
      params: prev.params,
      steps: prev.steps.slice(),
      active: prev.active.slice(),
      queue: prev.queue.slice(),
      blocked: prev.blocked.slice(),
    };
  }

  idx(stepId: string): number | undefined {
    return this.plan.index.get(stepId);
  }

  def(i: number): StepDef {
    return this.plan.defs[i]!;
  }

  get(i: number): StepState {
    return this.snap.steps[i]!;
  }

  /** The step, cloned for writing on first use in this call. */
  mut(i: number): StepState {
    const s = this.snap.steps[i]!;
    if (this.cloned.has(i)) return s;
    if (s.dueAt !== undefined || s.timeoutAt !== undefined) this.timersDirty = true;
    const c: StepState = { ...s, attempts: s.attempts.slice(), retries: { ...s.retries } };
    if (s.child) c.child = { ...s.child, running: s.child.running.slice() };
    this.snap.steps[i] = c;
    this.cloned.add(i);
    return c;
  }

  /** Sets a step's status and records the transition. */
  setStatus(i: number, status: StepStatus, message?: string, attempt?: number): StepState {
    const s = this.mut(i);
    s.status = status;
    // A permit wait belongs to a STARTING attempt: it ends with it.
    if (s.permitTag !== undefined && status !== 'STARTING') delete s.permitTag;
    this.changed.add(i);
    if (message !== undefined) s.message = message;
    this.log(s.id, status, message, attempt);
    return s;
  }

  /** Takes a step out of the active list now (it is about to be queued or reset). */
  removeActive(id: string): void {
    const k = this.snap.active.indexOf(id);
    if (k >= 0) this.snap.active.splice(k, 1);
  }

  removeQueued(id: string): void {
    const k = this.snap.queue.indexOf(id);
    if (k >= 0) this.snap.queue.splice(k, 1);
  }

  log(stepId: string | undefined, status: string, message?: string, attempt?: number): void {
    const e: TimelineEntry = { time: this.now, status };
    if (stepId !== undefined) e.stepId = stepId;
    if (attempt !== undefined) e.attempt = attempt;
    if (message !== undefined) e.message = message;
    this.timeline.push(e);
  }

  emit(a: Action): void {
    this.actions.push(a);
  }

  /** Deterministic ids for SEL's UUID/unique-id helpers: the same decision yields the same ids. */
  nextUniqueId(): number {
    return this.snap.seq * 1_000_000 + ++this.uniqueIds;
  }
}

import { parsePushRequest, type WorkflowDef } from '@baton/model';
import type { Action, DispatchAttemptAction, TimelineEntry } from '../src/domain/actions';
import type { DecideContext } from '../src/domain/context';
import { decide } from '../src/domain/decide';
import type { InstanceEvent } from '../src/domain/events';
import type { JsonValue } from '../src/domain/json';
import { newInstanceSnapshot } from '../src/domain/new-snapshot';
import { planOf } from '../src/domain/plan';
import type { RunParamMap } from '../src/domain/run-params';
import type { InstanceSnapshot, StepState } from '../src/domain/snapshot';
import type { AttemptResult } from '../src/domain/statuses';

/** Test helpers: definitions from Maestro JSON, and a driver that feeds decide like the shell would. */

export const T0 = 1_700_000_000_000;

/** A typed step entry: `s('a', 'NoOp', {b: 'true'}, {...extra fields})`. */
export function s(
  id: string,
  type = 'NoOp',
  successors?: Record<string, string>,
  extra: Record<string, unknown> = {},
): unknown {
  return { step: { id, type, ...(successors ? { transition: { successors } } : {}), ...extra } };
}

/** A chain a → b → c of the given type. */
export function chainSteps(ids: string[], type = 'NoOp'): unknown[] {
  return ids.map((id, k) => s(id, type, k + 1 < ids.length ? { [ids[k + 1]!]: 'true' } : undefined));
}

export function workflow(steps: unknown[], extra: Record<string, unknown> = {}): WorkflowDef {
  const r = parsePushRequest(JSON.stringify({ workflow: { id: 'wf', steps, ...extra } }));
  if (!r.ok) throw new Error(`bad test workflow: ${JSON.stringify(r.violations)}`);
  return r.request.workflow;
}

/** A literal param definition. */
export function p(value: JsonValue, type = 'STRING', mode?: string): Record<string, unknown> {
  return { value, type, ...(mode ? { mode } : {}) };
}

export function e(expression: string, type = 'STRING'): Record<string, unknown> {
  return { expression, type };
}

let eventSeq = 0;
export function evId(): string {
  return `ev${++eventSeq}`;
}

/** Drives one instance: every decide result is kept; `now` advances only when told. */
export class Run {
  snap: InstanceSnapshot;
  now = T0;
  actions: Action[] = [];
  lastActions: Action[] = [];
  timeline: TimelineEntry[] = [];
  decideMs = 0;
  calls = 0;

  constructor(
    readonly ctx: DecideContext,
    init: Partial<Parameters<typeof newInstanceSnapshot>[1]> = {},
  ) {
    this.snap = newInstanceSnapshot(ctx, { workflowId: ctx.workflow.id, instanceId: 1, ...init }, this.now);
  }

  static of(steps: unknown[], extra: Record<string, unknown> = {}, ctx: Partial<DecideContext> = {}): Run {
    return new Run({ workflow: workflow(steps, extra), ...ctx });
  }

  feed(...events: InstanceEvent[]): this {
    const t = performance.now();
    const r = decide(this.snap, events, this.now, this.ctx);
    this.decideMs += performance.now() - t;
    this.calls++;
    this.snap = r.snapshot;
    this.lastActions = r.actions;
    this.actions.push(...r.actions);
    this.timeline.push(...r.timeline);
    return this;
  }

  start(runParams?: RunParamMap, extra: Partial<Extract<InstanceEvent, { type: 'start' }>> = {}): this {
    return this.feed({ type: 'start', id: evId(), ...(runParams ? { runParams } : {}), ...extra });
  }

  at(ms: number): this {
    this.now = T0 + ms;
    return this.feed({ type: 'timer', id: evId() });
  }

  step(id: string): StepState {
    const st = this.snap.steps[planOf(this.ctx.steps ?? this.ctx.workflow.steps).index.get(id) ?? -1];
    if (!st) throw new Error(`no step ${id}`);
    return st;
  }

  status(id: string): string {
    return this.step(id).status;
  }

  statuses(): Record<string, string> {
    return Object.fromEntries(this.snap.steps.map((x) => [x.id, x.status]));
  }

  /** Reports the current attempt of `id`. */
  finish(
    id: string,
    status: AttemptResult = 'SUCCEEDED',
    outputs?: Record<string, JsonValue>,
    message?: string,
  ): this {
    const st = this.step(id);
    return this.feed({
      type: 'attemptFinished',
      id: evId(),
      stepId: id,
      attempt: st.attempt,
      status,
      ...(outputs ? { outputs } : {}),
      ...(message ? { message } : {}),
    });
  }

  /** Steps with an attempt in flight (STARTING/RUNNING dispatched), in definition order. */
  inFlight(): string[] {
    return this.snap.steps
      .filter(
        (x) =>
          (x.status === 'STARTING' || x.status === 'RUNNING') &&
          x.attempts.at(-1)?.status !== 'SUCCEEDED' &&
          x.dueAt === undefined &&
          !x.child,
      )
      .map((x) => x.id);
  }

  dispatches(): DispatchAttemptAction[] {
    return this.actions.filter((a): a is DispatchAttemptAction => a.type === 'dispatchAttempt');
  }

  ofType<K extends Action['type']>(type: K): Extract<Action, { type: K }>[] {
    return this.actions.filter((a): a is Extract<Action, { type: K }> => a.type === type);
  }

  /** Finishes every in-flight attempt successfully until the run ends (or `limit` rounds). */
  drain(limit = 100_000): this {
    for (let k = 0; k < limit && (this.snap.status === 'IN_PROGRESS' || this.snap.status === 'PAUSED'); k++) {
      const f = this.inFlight();
      if (f.length === 0) break;
      this.finish(f[0]!);
    }
    return this;
  }
}

/** One step of a plain-data test script. */
export type Op =
  | ['start', RunParamMap?]
  | ['ok', string, Record<string, JsonValue>?]
  | ['fail', string, AttemptResult, string?]
  | ['report', string, number, AttemptResult]
  | ['started', string]
  | ['lease', string]
  | ['at', number]
  | ['stop' | 'kill' | 'pause' | 'resume' | 'timeout']
  | ['stopStep' | 'skipStep' | 'restartFrom', string]
  | ['childStarted' | 'childFinished', string, number, string?]
  /** Ends the step's first running iteration (status, reported params, reusedFrom). */
  | ['iteration', string, string?, Record<string, JsonValue>?, string?]
  | ['drain']
  | ['again'];

export interface Expect {
  status?: string;
  steps?: Record<string, string>;
  inFlight?: string[];
  /** nextWakeAt − T0, or null for none. */
  wake?: number | null;
  dispatches?: number;
  message?: RegExp;
  /** Outputs of steps. */
  outputs?: Record<string, Record<string, JsonValue>>;
  /** startChild actions emitted in total. */
  childStarts?: number;
}

export interface Case {
  name: string;
  steps: unknown[];
  workflow?: Record<string, unknown>;
  ctx?: Partial<DecideContext>;
  ops: Op[];
  expect: Expect;
}

/** Runs a script case and returns the run for further checks. */
export function play(c: Pick<Case, 'steps' | 'workflow' | 'ctx' | 'ops'>): Run {
  const r = Run.of(c.steps, c.workflow ?? {}, c.ctx ?? {});
  let last: InstanceEvent[] = [];
  const feed = (...evs: InstanceEvent[]) => {
    last = evs;
    r.feed(...evs);
  };
  for (const op of c.ops) {
    switch (op[0]) {
      case 'start':
        feed({ type: 'start', id: evId(), ...(op[1] ? { runParams: op[1] } : {}) });
        break;
      case 'ok':
        feed({
          type: 'attemptFinished',
          id: evId(),
          stepId: op[1],
          attempt: r.step(op[1]).attempt,
          status: 'SUCCEEDED',
          ...(op[2] ? { outputs: op[2] } : {}),
        });
        break;
      case 'fail':
        feed({
          type: 'attemptFinished',
          id: evId(),
          stepId: op[1],
          attempt: r.step(op[1]).attempt,
          status: op[2],
          ...(op[3] ? { message: op[3] } : {}),
        });
        break;
      case 'report':
        feed({ type: 'attemptFinished', id: evId(), stepId: op[1], attempt: op[2], status: op[3] });
        break;
      case 'started':
        feed({ type: 'attemptStarted', id: evId(), stepId: op[1], attempt: r.step(op[1]).attempt });
        break;
      case 'lease':
        feed({ type: 'attemptLeaseExpired', id: evId(), stepId: op[1], attempt: r.step(op[1]).attempt });
        break;
      case 'at':
        r.now = T0 + op[1];
        feed({ type: 'timer', id: evId() });
        break;
      case 'stop':
      case 'kill':
      case 'pause':
      case 'resume':
      case 'timeout':
        feed({ type: op[0], id: evId() });
        break;
      case 'stopStep':
      case 'skipStep':
        feed({ type: op[0], id: evId(), stepId: op[1] });
        break;
      case 'restartFrom':
        feed({ type: 'restartFromStep', id: evId(), stepId: op[1] });
        break;
      case 'childStarted':
      case 'childFinished': {
        const childKey = `${r.snap.key}:${op[1]}:${op[2]}`;
        if (op[0] === 'childStarted')
          feed({ type: 'childStarted', id: evId(), stepId: op[1], iteration: op[2], childKey });
        else
          feed({
            type: 'childFinished',
            id: evId(),
            stepId: op[1],
            iteration: op[2],
            childKey,
            status: (op[3] ?? 'SUCCEEDED') as never,
          });
        break;
      }
      case 'iteration': {
        const it = r.step(op[1]).child?.running[0] ?? -1;
        feed({
          type: 'childFinished',
          id: evId(),
          stepId: op[1],
          iteration: it,
          childKey: `${r.snap.key}:${op[1]}:${it}`,
          status: (op[2] ?? 'SUCCEEDED') as never,
          ...(op[3] ? { params: op[3] } : {}),
          ...(op[4] ? { reusedFrom: op[4] } : {}),
        });
        break;
      }
      case 'drain':
        r.drain();
        break;
      case 'again':
        r.feed(...last);
        break;
    }
  }
  return r;
}

/** Checks a run against an expectation; returns a list of mismatches (empty = pass). */
export function check(r: Run, x: Expect): string[] {
  const out: string[] = [];
  if (x.status !== undefined && r.snap.status !== x.status)
    out.push(`status ${r.snap.status} ≠ ${x.status} (${r.snap.message ?? ''})`);
  for (const [id, st] of Object.entries(x.steps ?? {})) {
    if (r.status(id) !== st) out.push(`step ${id} ${r.status(id)} ≠ ${st} (${r.step(id).message ?? ''})`);
  }
  if (x.inFlight && JSON.stringify(r.inFlight()) !== JSON.stringify(x.inFlight))
    out.push(`inFlight ${JSON.stringify(r.inFlight())} ≠ ${JSON.stringify(x.inFlight)}`);
  if (x.wake !== undefined) {
    const w = r.snap.nextWakeAt === undefined ? null : r.snap.nextWakeAt - T0;
    if (w !== x.wake) out.push(`wake ${w} ≠ ${x.wake}`);
  }
  if (x.dispatches !== undefined && r.dispatches().length !== x.dispatches)
    out.push(`dispatches ${r.dispatches().length} ≠ ${x.dispatches}`);
  for (const [id, o] of Object.entries(x.outputs ?? {})) {
    if (JSON.stringify(r.step(id).outputs) !== JSON.stringify(o))
      out.push(`outputs of ${id} ${JSON.stringify(r.step(id).outputs)} ≠ ${JSON.stringify(o)}`);
  }
  if (x.childStarts !== undefined && r.ofType('startChild').length !== x.childStarts)
    out.push(`startChild ${r.ofType('startChild').length} ≠ ${x.childStarts}`);
  if (x.message && !x.message.test(r.snap.message ?? ''))
    out.push(`message '${r.snap.message}' !~ ${x.message}`);
  return out;
}

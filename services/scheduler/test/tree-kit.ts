import type { StepDef, WorkflowDef } from '@baton/model';
import type { Action } from '../src/domain/actions';
import type { DecideContext, EngineConfig } from '../src/domain/context';
import { decide } from '../src/domain/decide';
import type { InstanceEvent } from '../src/domain/events';
import type { JsonValue } from '../src/domain/json';
import { newInstanceSnapshot } from '../src/domain/new-snapshot';
import { type RestartOptions, restartSnapshot } from '../src/domain/restart';
import { foreachIterationValue } from '../src/domain/scopes';
import type { InstanceSnapshot } from '../src/domain/snapshot';
import type { AttemptResult } from '../src/domain/statuses';
import { T0 } from './test-kit';

/**
 * Test helper: a synchronous in-memory shell for a whole tree of instances (parent, foreach/while
 * iterations), performing actions as the real shell's contract says: startChild (with `previous`
 * reuse), stopChild, notifyParent (outputs and params), getFromForeach prefetch, dispatched
 * attempts answered by `worker`.
 */
export type Worker = (
  a: Extract<Action, { type: 'dispatchAttempt' }>,
) => { status: AttemptResult; outputs?: Record<string, JsonValue> } | undefined;

interface Node {
  snap: InstanceSnapshot;
  ctx: DecideContext;
}

function nestedSteps(steps: readonly StepDef[], stepId: string): readonly StepDef[] | undefined {
  for (const s of steps) {
    if (s.kind !== 'foreach' && s.kind !== 'while') continue;
    if (s.id === stepId) return s.steps;
    const found = nestedSteps(s.steps, stepId);
    if (found) return found;
  }
  return undefined;
}

export class Tree {
  readonly nodes = new Map<string, Node>();
  readonly actions: Action[] = [];
  private readonly pending: [string, InstanceEvent][] = [];
  private ids = 0;
  /** Child instances created (startChild that was not answered by reuse). */
  created = 0;

  constructor(
    readonly workflow: WorkflowDef,
    readonly worker: Worker = () => ({ status: 'SUCCEEDED' }),
    readonly config: Partial<EngineConfig> = {},
  ) {}

  ctxOf(key: string, steps?: readonly StepDef[]): DecideContext {
    return {
      workflow: this.workflow,
      ...(steps ? { steps } : {}),
      config: this.config,
      foreachValues: (f, inner, param) => this.foreachValues(key, f, inner, param),
    };
  }

  /** The shell's getFromForeach answer: iteration i's child is the newest existing of its keys. */
  private foreachValues(key: string, f: string, inner: string, param: string): JsonValue[] | undefined {
    const node = this.nodes.get(key)!;
    const st = node.snap.steps.find((s) => s.id === f);
    if (!st?.child) return undefined;
    const out: JsonValue[] = [];
    for (let it = 0; it < st.child.total; it++) {
      const keys = [
        `${key}:${f}:${it}`,
        ...(st.prior ?? []).filter((p) => it < p.launched).map((p) => `${p.key}:${f}:${it}`),
      ];
      const child = keys.map((k) => this.nodes.get(k)).find((n) => n !== undefined);
      out.push(foreachIterationValue(child?.snap, inner, param));
    }
    return out;
  }

  start(runParams?: Record<string, JsonValue>): string {
    const ctx = this.ctxOf('wf:1:1');
    const snap = newInstanceSnapshot(ctx, { workflowId: this.workflow.id, instanceId: 1 }, T0);
    this.nodes.set(snap.key, { snap, ctx });
    this.send(snap.key, {
      type: 'start',
      id: this.id(),
      ...(runParams ? { runParams: wrap(runParams) } : {}),
    });
    return this.run();
  }

  restart(key: string, opts: RestartOptions = {}): string {
    const prev = this.nodes.get(key)!;
    const next = restartSnapshot(prev.snap, prev.ctx, opts, T0);
    this.nodes.set(next.key, { snap: next, ctx: this.ctxOf(next.key) });
    this.send(next.key, { type: 'start', id: this.id() });
    return this.run(next.key);
  }

  send(key: string, ev: InstanceEvent): void {
    this.pending.push([key, ev]);
  }

  snap(key: string): InstanceSnapshot {
    return this.nodes.get(key)!.snap;
  }

  /** Delivers events until none is left; returns `top`. */
  run(top = 'wf:1:1'): string {
    for (let n = 0; this.pending.length > 0; n++) {
      if (n > 1_000_000) throw new Error('tree did not settle');
      const [key, ev] = this.pending.shift()!;
      const node = this.nodes.get(key)!;
      const r = decide(node.snap, [ev], T0, node.ctx);
      node.snap = r.snapshot;
      for (const a of r.actions) this.perform(a);
    }
    return top;
  }

  private id(): string {
    return `t${++this.ids}`;
  }

  private perform(a: Action): void {
    this.actions.push(a);
    switch (a.type) {
      case 'startChild': {
        const earlier = (a.previous ?? []).map((k) => this.nodes.get(k)).find((n) => n !== undefined);
        if (earlier?.snap.status === 'SUCCEEDED') {
          const outputs: Record<string, Record<string, JsonValue>> = {};
          for (const s of earlier.snap.steps) if (s.outputs) outputs[s.id] = s.outputs;
          const ev = { stepId: a.stepId, iteration: a.iteration, childKey: a.childKey };
          this.send(a.parentKey, {
            type: 'childFinished',
            id: `${a.childKey}:finished`,
            ...ev,
            status: 'SUCCEEDED',
            outputs,
            reusedFrom: earlier.snap.key,
          });
          return;
        }
        if (a.run.kind !== 'foreach') throw new Error('tree-kit runs nested steps only');
        const steps = nestedSteps(this.workflow.steps, a.run.stepId)!;
        const ctx = this.ctxOf(a.childKey, steps);
        const parent = {
          key: a.parentKey,
          workflowId: this.workflow.id,
          stepId: a.stepId,
          iteration: a.iteration,
        };
        const snap = newInstanceSnapshot(
          ctx,
          { workflowId: this.workflow.id, instanceId: 1, key: a.childKey, parent, depth: a.depth },
          T0,
        );
        this.nodes.set(a.childKey, { snap, ctx });
        this.created++;
        this.send(a.childKey, { type: 'start', id: this.id(), runParams: wrap(a.params) });
        this.send(a.parentKey, {
          type: 'childStarted',
          id: this.id(),
          stepId: a.stepId,
          iteration: a.iteration,
          childKey: a.childKey,
        });
        return;
      }
      case 'stopChild':
        return this.send(a.childKey, { type: a.kill ? 'kill' : 'stop', id: a.key, reason: a.reason });
      case 'notifyParent':
        return this.send(a.parentKey, {
          type: 'childFinished',
          id: a.key,
          stepId: a.stepId,
          iteration: a.iteration,
          childKey: a.childKey,
          status: a.status,
          outputs: a.outputs,
          ...(a.params ? { params: a.params } : {}),
          ...(a.message !== undefined ? { message: a.message } : {}),
          ...(a.leafCounts ? { leafCounts: a.leafCounts } : {}),
        });
      case 'dispatchAttempt': {
        const r = this.worker(a);
        if (!r) return;
        return this.send(a.instanceKey, {
          type: 'attemptFinished',
          id: `${a.attemptKey}:finished`,
          stepId: a.stepId,
          attempt: a.attempt,
          attemptKey: a.attemptKey,
          status: r.status,
          ...(r.outputs ? { outputs: r.outputs } : {}),
        });
      }
      default:
        return;
    }
  }
}

function wrap(params: Record<string, JsonValue>): Record<string, { value: JsonValue }> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { value: v }]));
}

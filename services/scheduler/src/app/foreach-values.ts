import type { StepDef } from '@baton/model';
import {
  type DecideContext,
  type InstanceSnapshot,
  type JsonValue,
  childKeyOf,
  foreachIterationValue,
} from '../domain';
import type { InstanceStore } from '../store/instance-store';

type Ref = { step: string; inner: string; param: string };

// Literal calls, as they appear in the definition's JSON text (double quotes arrive escaped).
const Q = String.raw`\\?['"]`;
const CALL = new RegExp(
  String.raw`getFromForeach\(\s*${Q}([^'"\\]+)${Q}\s*,\s*${Q}([^'"\\]+)${Q}\s*,\s*${Q}([^'"\\]+)${Q}\s*\)`,
  'g',
);

/**
 * Answers `params.getFromForeach(step, inner, param)` for decide, which cannot do
 * I/O: before deciding, the values of every literal call in the definition whose
 * foreach step has finished are read from the iterations' child instances (by key,
 * so by _id) and cached — once a foreach is decided its iterations never change.
 */
export class ForeachValues {
  private readonly refs = new WeakMap<object, Ref[]>();
  private readonly cache = new Map<string, JsonValue[]>();

  constructor(private readonly store: InstanceStore) {}

  private refsOf(ctx: DecideContext): Ref[] {
    const steps = (ctx.steps ?? ctx.workflow.steps) as readonly StepDef[];
    let refs = this.refs.get(steps);
    if (!refs) {
      const text = JSON.stringify([ctx.workflow.params ?? {}, steps]);
      refs = [...text.matchAll(CALL)].map((m) => ({ step: m[1], inner: m[2], param: m[3] }));
      this.refs.set(steps, refs);
    }
    return refs;
  }

  /** The hook for this decision, or undefined when the definition never calls getFromForeach. */
  async hook(ctx: DecideContext, snap: InstanceSnapshot): Promise<DecideContext['foreachValues']> {
    const refs = this.refsOf(ctx);
    if (refs.length === 0) return undefined;
    const answers = new Map<string, JsonValue[]>();
    for (const r of refs) {
      const step = snap.steps.find((s) => s.id === r.step);
      // decide asks only once the foreach is decided, which can happen in this very decision
      // (its last childFinished is among the events): prefetch as soon as every iteration was
      // launched — a child's final state is written before its parent hears of it — but cache
      // only values of a decided foreach.
      const child = step?.child;
      if (!step || child?.kind !== 'foreach' || child.next < child.total) continue;
      const decided = step.status === 'SUCCEEDED' || step.status === 'COMPLETED_WITH_ERROR';
      const cacheKey = `${snap.key}|${r.step}|${r.inner}|${r.param}`;
      let values = decided ? this.cache.get(cacheKey) : undefined;
      if (!values) {
        values = [];
        for (let i = 0; i < child.total; i++) {
          const keys = [
            childKeyOf(snap.key, r.step, i),
            ...(step.prior ?? []).filter((p) => i < p.launched).map((p) => childKeyOf(p.key, r.step, i)),
          ];
          let child: InstanceSnapshot | undefined;
          for (const key of keys) {
            const head = await this.store.heads.getHead(key);
            if (!head) continue;
            const d = await this.store.decisions.latestDecision(key, head.seq);
            child = d ? (JSON.parse(d.snapshot) as InstanceSnapshot) : undefined;
            break;
          }
          values.push(foreachIterationValue(child, r.inner, r.param));
        }
        if (decided) this.cache.set(cacheKey, values);
        if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
      }
      answers.set(`${r.step}|${r.inner}|${r.param}`, values);
    }
    return (stepId, inner, param) => answers.get(`${stepId}|${inner}|${param}`);
  }
}

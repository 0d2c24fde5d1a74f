import type { Draft } from './draft';
import type { JsonObject } from './json';

/**
 * What a child instance reports back as its params (NotifyParentAction.params): for each of its run
 * params (what the parent passed down) that one of its steps output, or declared again in its own
 * definition (`i` with expression `i + 1`), the value of the step decided LAST — by end time, then
 * by definition order — among the steps that ran to a decided end (SUCCEEDED, COMPLETED_WITH_ERROR).
 * An output wins over the same step's param. A while loop takes its next loop values from here.
 * Cost O(steps · log steps + declared params + outputs), once, when the child ends.
 */
export function paramUpdates(d: Draft): JsonObject | undefined {
  const passed = d.snap.runParams;
  if (!passed) return undefined;
  const order: number[] = [];
  d.snap.steps.forEach((s, i) => {
    if (s.status === 'SUCCEEDED' || s.status === 'COMPLETED_WITH_ERROR') order.push(i);
  });
  order.sort((a, b) => (d.get(a).endedAt ?? 0) - (d.get(b).endedAt ?? 0) || a - b);
  let out: JsonObject | undefined;
  const put = (name: string, value: JsonObject[string]) => {
    out ??= {};
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const i of order) {
    const s = d.get(i);
    const declared = [
      ...Object.keys(d.def(i).params ?? {}),
      ...Object.keys(d.snap.stepRunParams?.[s.id] ?? {}),
    ];
    for (const name of declared) {
      if (Object.hasOwn(passed, name) && s.params && Object.hasOwn(s.params, name))
        put(name, s.params[name]!);
    }
    for (const [name, v] of Object.entries(s.outputs ?? {})) if (Object.hasOwn(passed, name)) put(name, v);
  }
  return out;
}

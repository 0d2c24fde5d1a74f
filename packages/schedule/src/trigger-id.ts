import { createHash } from 'node:crypto';

/**
 * A stable short id for a trigger definition: 16 hex characters of the SHA-256 of its canonical
 * JSON (object keys sorted, undefined dropped), so the same trigger keeps its id across workflow
 * versions whatever order its keys were written in, and a changed trigger gets a new one.
 */
export function triggerIdOf(triggerJson: unknown): string {
  return createHash('sha256').update(canonicalJson(triggerJson)).digest('hex').slice(0, 16);
}

/**
 * Sorted-key JSON. @baton/model has the same rule for whole workflows, but the model depends on
 * this package, so it cannot be imported from there.
 */
function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }) ?? 'null'
  );
}

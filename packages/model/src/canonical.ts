import type { WorkflowDef } from './workflow';

/**
 * The canonical JSON text of a normalized workflow: object keys sorted, absent fields dropped,
 * array order kept. Two pushes whose workflows have the same canonical text are the same version
 * (differences in enum case, whitespace, key order or "20 minutes" vs 1200 do not count).
 */
export function canonicalWorkflowJson(workflow: WorkflowDef): string {
  return canonicalJson(workflow);
}

/** Canonical JSON of any JSON-like value (sorted keys, undefined dropped). */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item === undefined ? null : item, out);
    });
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(item, out);
  }
  out.push('}');
}

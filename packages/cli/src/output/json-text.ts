/**
 * JSON for --json output: the response exactly as the SDK returns it (camelCase
 * fields, int64 as decimal strings, timestamps as ISO-8601), pretty-printed.
 * bigints become decimal strings and bytes base64, which JSON.stringify cannot do.
 * A oneof (ts-proto's `{ kind: { $case, value } }`, e.g. a ParamValue) is written the
 * way proto3 JSON writes it: `{ "longValue": "5" }`.
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, replacer, 2);
}

/** The same JSON on one line: for streams printed as one object per line (watch, logs). */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, replacer);
}

function replacer(this: Record<string, unknown>, key: string, v: unknown): unknown {
  const original = this[key];
  if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
  if (typeof v === 'bigint') return v.toString();
  if (isOneofHolder(v)) return { [v.kind.$case]: v.kind.value };
  return v;
}

/** ts-proto's `oneof=unions-value` shape: an object whose only field is `kind: { $case, value }`. */
function isOneofHolder(v: unknown): v is { kind: { $case: string; value: unknown } } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== 'kind') return false;
  const kind = (v as { kind: unknown }).kind;
  return typeof kind === 'object' && kind !== null && typeof (kind as { $case?: unknown }).$case === 'string';
}

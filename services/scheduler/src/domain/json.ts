/** A JSON value: what snapshots, params and outputs hold (no bigint, Date, Map or Set). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Converts an evaluated value to JSON. A LONG beyond 2^53 (a bigint from SEL) becomes its decimal
 * string, so snapshots stay plain JSON; SEL reads it back as a String.
 */
export function toJson(v: unknown, depth = 0): JsonValue {
  if (depth > 64) throw new Error('value nested too deeply');
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return v.toString();
    case 'object':
      break;
    default:
      throw new Error(`not a JSON value: ${typeof v}`);
  }
  if (Array.isArray(v)) return v.map((x) => toJson(x, depth + 1));
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    Object.defineProperty(out, k, {
      value: toJson(x, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function toJsonObject(v: unknown): JsonObject {
  const j = toJson(v);
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new Error('expected a JSON object');
  return j;
}

import { keyPath } from './json-path';
import { type Ctx, report } from './violations';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Returns `v` as an object, or reports that it must be one. */
export function asObject(ctx: Ctx, path: string, v: unknown, what = 'an object'): JsonObject | undefined {
  if (isObject(v)) return v;
  report(ctx, path, `must be ${what}, got ${typeName(v)}`);
  return undefined;
}

export function asArray(ctx: Ctx, path: string, v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  report(ctx, path, `must be an array, got ${typeName(v)}`);
  return undefined;
}

/** Reports every key of `obj` that is not in `allowed` (Maestro's exact snake_case names). */
export function rejectUnknownKeys(
  ctx: Ctx,
  path: string,
  obj: JsonObject,
  allowed: ReadonlySet<string>,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) report(ctx, keyPath(path, key), `unknown field '${key}'`);
  }
}

/** Reads an optional string field; null counts as absent, as Jackson does. */
export function optString(ctx: Ctx, path: string, obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  report(ctx, keyPath(path, key), `must be a string, got ${typeName(v)}`);
  return undefined;
}

export function optBoolean(ctx: Ctx, path: string, obj: JsonObject, key: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  report(ctx, keyPath(path, key), `must be a boolean, got ${typeName(v)}`);
  return undefined;
}

/** Reads an optional integer field within [min, max]. */
export function optInteger(
  ctx: Ctx,
  path: string,
  obj: JsonObject,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  const field = keyPath(path, key);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    report(ctx, field, `must be an integer, got ${typeName(v)}`);
    return undefined;
  }
  if (v < min || v > max) {
    report(ctx, field, `must be between ${min} and ${max}, got ${v}`);
    return undefined;
  }
  return v;
}

/** Reads an optional string-keyed object field. */
export function optObject(ctx: Ctx, path: string, obj: JsonObject, key: string): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  return asObject(ctx, keyPath(path, key), v);
}

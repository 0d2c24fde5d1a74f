import { PARAM_MODES, PARAM_TYPES, type ParamMode, type ParamType, parseEnum } from './enums';
import { RESERVED_PARAM_NAMES, checkReferenceId } from './ids';
import { indexPath, keyPath } from './json-path';
import { type JsonObject, asObject, isObject, optString, rejectUnknownKeys, typeName } from './reader';
import { type Tag, parseTags } from './tags';
import { type Ctx, checkInterpolation, checkSource, report } from './violations';

/**
 * A parameter definition: exactly one of a literal `value` or a SEL `expression`. For MAP params the
 * value is a map of nested param definitions; LONG/DOUBLE values are numbers, arrays are arrays.
 */
export interface ParamDef {
  value?: unknown;
  expression?: string;
  type: ParamType;
  mode?: ParamMode;
  validator?: string;
  tags?: Tag[];
  /** Maestro's metadata fields kept on a definition (`source`, `internal_mode`). */
  meta?: Record<string, unknown>;
}

/** A named set of param definitions, in the order they were written. */
export type ParamMap = Record<string, ParamDef>;

const PARAM_KEYS = new Set([
  'value',
  'expression',
  'type',
  'mode',
  'validator',
  'tags',
  'source',
  'internal_mode',
]);

/** Reads a `params` object: names follow Maestro's reference-id rules and avoid reserved names. */
export function parseParamMap(ctx: Ctx, path: string, v: unknown): ParamMap | undefined {
  const obj = asObject(ctx, path, v);
  if (!obj) return undefined;
  const out: ParamMap = {};
  for (const [name, def] of Object.entries(obj)) {
    const p = keyPath(path, name);
    if (!checkParamName(ctx, p, name)) continue;
    const parsed = parseParamDef(ctx, p, def);
    if (parsed) out[name] = parsed;
  }
  return out;
}

function checkParamName(ctx: Ctx, path: string, name: string): boolean {
  if (RESERVED_PARAM_NAMES.has(name)) {
    report(ctx, path, `param name '${name}' is reserved`);
    return false;
  }
  return checkReferenceId(ctx, path, name, 'param name');
}

/** Reads one param definition. */
export function parseParamDef(ctx: Ctx, path: string, v: unknown): ParamDef | undefined {
  const obj = asObject(ctx, path, v, 'a param definition object');
  if (!obj) return undefined;
  rejectUnknownKeys(ctx, path, obj, PARAM_KEYS);
  if (obj.type === undefined || obj.type === null) {
    report(ctx, keyPath(path, 'type'), `param type is required; one of ${PARAM_TYPES.join(', ')}`);
    return undefined;
  }
  const type = parseEnum(ctx, keyPath(path, 'type'), obj.type, PARAM_TYPES, 'param type');
  const hasValue = obj.value !== undefined && obj.value !== null;
  const hasExpression = obj.expression !== undefined && obj.expression !== null;
  if (hasValue === hasExpression) {
    report(
      ctx,
      path,
      `a param needs exactly one of 'value' or 'expression', ${hasValue ? 'not both' : 'found neither'}`,
    );
  }
  const def: ParamDef = { type: type ?? 'STRING' };
  if (hasExpression) {
    const expression = optString(ctx, path, obj, 'expression');
    if (expression !== undefined) {
      if (expression.trim() === '') report(ctx, keyPath(path, 'expression'), 'expression cannot be empty');
      else checkSource(ctx, keyPath(path, 'expression'), expression, 'expression');
      def.expression = expression;
    }
  }
  if (hasValue && type) def.value = parseValue(ctx, keyPath(path, 'value'), obj.value, type);
  readExtras(ctx, path, obj, def);
  return type ? def : undefined;
}

function readExtras(ctx: Ctx, path: string, obj: JsonObject, def: ParamDef): void {
  if (obj.mode !== undefined && obj.mode !== null) {
    const mode = parseEnum(ctx, keyPath(path, 'mode'), obj.mode, PARAM_MODES, 'param mode');
    if (mode) def.mode = mode;
  }
  const validator = optString(ctx, path, obj, 'validator');
  if (validator !== undefined) def.validator = validator;
  if (obj.tags !== undefined && obj.tags !== null) {
    const tags = parseTags(ctx, keyPath(path, 'tags'), obj.tags);
    if (tags) def.tags = tags;
  }
  for (const key of ['source', 'internal_mode']) {
    const value = optString(ctx, path, obj, key);
    if (value !== undefined) def.meta = { ...def.meta, [key]: value };
  }
}

/** Checks that a literal fits its declared type and returns it normalized (numeric strings → numbers). */
function parseValue(ctx: Ctx, path: string, v: unknown, type: ParamType): unknown {
  switch (type) {
    case 'STRING':
      return stringValue(ctx, path, v);
    case 'LONG':
      return longValue(ctx, path, v);
    case 'DOUBLE':
      return doubleValue(ctx, path, v);
    case 'BOOLEAN':
      return booleanValue(ctx, path, v);
    case 'STRING_ARRAY':
      return arrayOf(ctx, path, v, type, stringValue);
    case 'LONG_ARRAY':
      return arrayOf(ctx, path, v, type, longValue);
    case 'DOUBLE_ARRAY':
      return arrayOf(ctx, path, v, type, doubleValue);
    case 'BOOLEAN_ARRAY':
      return arrayOf(ctx, path, v, type, booleanValue);
    case 'STRING_MAP':
      return stringMap(ctx, path, v);
    case 'MAP':
      return parseParamMap(ctx, path, v);
  }
}

function mismatch(ctx: Ctx, path: string, v: unknown, expected: string): undefined {
  report(ctx, path, `value does not fit type ${expected}: got ${typeName(v)} ${preview(v)}`);
  return undefined;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? '';
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function stringValue(ctx: Ctx, path: string, v: unknown): string | undefined {
  if (typeof v !== 'string') return mismatch(ctx, path, v, 'STRING');
  checkInterpolation(ctx, path, v);
  return v;
}

// Jackson coerces numeric strings into Long/Double; so do we, so Maestro definitions keep working.
function longValue(ctx: Ctx, path: string, v: unknown): number | undefined {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  return mismatch(ctx, path, v, 'LONG (a whole number)');
}

function doubleValue(ctx: Ctx, path: string, v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  return mismatch(ctx, path, v, 'DOUBLE');
}

function booleanValue(ctx: Ctx, path: string, v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return mismatch(ctx, path, v, 'BOOLEAN');
}

function arrayOf<T>(
  ctx: Ctx,
  path: string,
  v: unknown,
  type: ParamType,
  element: (ctx: Ctx, path: string, v: unknown) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(v)) return mismatch(ctx, path, v, type);
  const out: T[] = [];
  v.forEach((item, i) => {
    const parsed = element(ctx, indexPath(path, i), item);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

function stringMap(ctx: Ctx, path: string, v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return mismatch(ctx, path, v, 'STRING_MAP');
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(v)) {
    const s = stringValue(ctx, keyPath(path, key), item);
    if (s !== undefined) out[key] = s;
  }
  return out;
}

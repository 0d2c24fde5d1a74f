// Text for values the pages show: params, times, durations, and the colour group of a status.
import type { InstanceRef, ParamValueJson, ParamsJson } from './types';

/** A param value as a user reads it: scalars plain (strings quoted), the rest as JSON. */
export function paramText(pv: ParamValueJson | undefined): string {
  if (!pv) return '';
  if (pv.stringValue !== undefined) return JSON.stringify(pv.stringValue);
  if (pv.longValue !== undefined) return pv.longValue;
  if (pv.doubleValue !== undefined) return String(pv.doubleValue);
  if (pv.booleanValue !== undefined) return String(pv.booleanValue);
  if (pv.stringArray) return JSON.stringify(pv.stringArray.values ?? []);
  if (pv.longArray) return `[${(pv.longArray.values ?? []).join(', ')}]`;
  if (pv.doubleArray) return JSON.stringify(pv.doubleArray.values ?? []);
  if (pv.booleanArray) return JSON.stringify(pv.booleanArray.values ?? []);
  if (pv.stringMap) return JSON.stringify(pv.stringMap.values ?? {});
  if (pv.mapValue) return JSON.stringify(pv.mapValue);
  // ts-proto leaves a default scalar out: an empty string, 0 or false all read as {} here.
  return '""';
}

/** The Maestro type a ParamValue carries. */
export function paramTypeOf(pv: ParamValueJson): string {
  const key = Object.keys(pv)[0] ?? 'stringValue';
  return (
    (
      {
        stringValue: 'STRING',
        longValue: 'LONG',
        doubleValue: 'DOUBLE',
        booleanValue: 'BOOLEAN',
        stringArray: 'STRING_ARRAY',
        longArray: 'LONG_ARRAY',
        doubleArray: 'DOUBLE_ARRAY',
        booleanArray: 'BOOLEAN_ARRAY',
        stringMap: 'STRING_MAP',
        mapValue: 'MAP',
      } as Record<string, string>
    )[key] ?? key
  );
}

/** A thrown problem with one input, named as the services name fields. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A ParamValue (JSON form) from what a user typed for a param of `type` (Maestro's names):
 * scalars as plain text, arrays and maps as JSON. LONG values stay decimal strings (int64).
 */
export function toParamValueJson(type: string, text: string, field: string): ParamValueJson {
  const t = type.toUpperCase();
  const json = (): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new InputError(field, `${t} needs JSON, e.g. ${example(t)}`);
    }
  };
  const long = (v: unknown): string => {
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!/^-?\d{1,19}$/.test(s)) throw new InputError(field, `${JSON.stringify(v)} is not a whole number`);
    return s;
  };
  const double = (v: unknown): number => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) throw new InputError(field, `${JSON.stringify(v)} is not a number`);
    return n;
  };
  const bool = (v: unknown): boolean => {
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new InputError(field, `${JSON.stringify(v)} is not true or false`);
  };
  const array = <T>(of: (v: unknown) => T): T[] => {
    const v = json();
    if (!Array.isArray(v)) throw new InputError(field, `${t} needs a JSON array, e.g. ${example(t)}`);
    return v.map(of);
  };
  const object = (): Record<string, unknown> => {
    const v = json();
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new InputError(field, `${t} needs a JSON object, e.g. ${example(t)}`);
    return v as Record<string, unknown>;
  };
  switch (t) {
    case 'STRING':
      return { stringValue: text };
    case 'LONG':
      return { longValue: long(text) };
    case 'DOUBLE':
      return { doubleValue: double(text) };
    case 'BOOLEAN':
      return { booleanValue: bool(text.trim()) };
    case 'STRING_ARRAY':
      return { stringArray: { values: array((v) => (typeof v === 'string' ? v : JSON.stringify(v))) } };
    case 'LONG_ARRAY':
      return { longArray: { values: array(long) } };
    case 'DOUBLE_ARRAY':
      return { doubleArray: { values: array(double) } };
    case 'BOOLEAN_ARRAY':
      return { booleanArray: { values: array(bool) } };
    case 'STRING_MAP': {
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(object()))
        values[k] = typeof v === 'string' ? v : JSON.stringify(v);
      return { stringMap: { values } };
    }
    case 'MAP':
      return { mapValue: object() };
    default:
      throw new InputError(field, `unknown param type ${type}`);
  }
}

function example(type: string): string {
  if (type.endsWith('_ARRAY')) return type.startsWith('STRING') ? '["a", "b"]' : '[1, 2]';
  return '{"key": "value"}';
}

/**
 * Signal params from a JSON object: strings → STRING, whole numbers → LONG (the only types a
 * signal's params may carry).
 */
export function signalParamsOf(text: string, field: string): ParamsJson {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new InputError(field, 'not valid JSON (an object such as {"day": 20240101, "region": "eu"})');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(field, 'a JSON object such as {"day": 20240101, "region": "eu"}');
  const out: ParamsJson = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') out[k] = { stringValue: x };
    else if (typeof x === 'number' && Number.isSafeInteger(x)) out[k] = { longValue: String(x) };
    else throw new InputError(`${field}.${k}`, 'a signal param is a string or a whole number');
  }
  return out;
}

/** A timestamp as local date and time to the second; empty for none. */
export function timeText(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

/** How long from `start` to `end` (or to now while it runs): 850ms, 12.3s, 4m05s, 2h03m. */
export function durationText(start: string | undefined, end: string | undefined, now = Date.now()): string {
  if (!start) return '';
  const ms = (end ? Date.parse(end) : now) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

// Status groups as CSS classes: the DAG's own (dag/status.ts), so badges and boxes always agree.
export { type StatusGroup, statusGroup } from '../dag/status';

const TERMINAL_INSTANCE = new Set(['TIMED_OUT', 'STOPPED', 'FAILED', 'SUCCEEDED']);
const TERMINAL_STEP = new Set([
  'DISABLED',
  'UNSATISFIED',
  'SKIPPED',
  'SUCCEEDED',
  'COMPLETED_WITH_ERROR',
  'USER_FAILED',
  'PLATFORM_FAILED',
  'FATALLY_FAILED',
  'INTERNALLY_FAILED',
  'STOPPED',
  'TIMED_OUT',
]);

export function isInstanceTerminal(status: string | undefined): boolean {
  return TERMINAL_INSTANCE.has(status ?? '');
}

export function isStepTerminal(status: string | undefined): boolean {
  return TERMINAL_STEP.has(status ?? '');
}

export const INSTANCE_STATUS_LIST = [
  'CREATED',
  'IN_PROGRESS',
  'PAUSED',
  'TIMED_OUT',
  'STOPPED',
  'FAILED',
  'SUCCEEDED',
];
export const ITERATION_STATUS_LIST = [
  'NOT_CREATED',
  'CREATED',
  'IN_PROGRESS',
  'PAUSED',
  'SUCCEEDED',
  'FAILED',
  'STOPPED',
  'TIMED_OUT',
];

/** A top-level run's key (`<workflow>:<instance>:<run>`), as Instance.key spells it. */
export function runKeyOf(ref: InstanceRef | undefined): string {
  return `${ref?.workflowId ?? ''}:${ref?.instanceId ?? '0'}:${ref?.runId ?? '0'}`;
}

/** A fresh idempotency key for one user action (a repeat of the same click never acts twice). */
export function requestId(): string {
  return `console-${crypto.randomUUID()}`;
}

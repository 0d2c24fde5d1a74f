import { DateTime } from 'luxon';
import { SelError } from './errors';
import { type ElemType, JDouble, SelArray, SelDateTime, SelMap, type Value, javaString } from './values';

/** Plain data a host may hand to SEL. Anything else (functions, class instances) is rejected. */
export type HostValue =
  | null
  | undefined
  | boolean
  | string
  | number
  | bigint
  | Date
  | readonly HostValue[]
  | ReadonlyMap<string, HostValue>
  | { readonly [key: string]: HostValue };

/** Step fields Maestro exposes through `params.getFromStep(step, NAME)` / `getFromStep(NAME)`. */
export const STEP_SPECIAL_FIELDS = [
  'MAESTRO_STEP_STATUS',
  'MAESTRO_STEP_END_TIME',
  'MAESTRO_STEP_ERROR_RETRIES',
  'step_id',
  'step_instance_id',
  'step_instance_uuid',
  'step_attempt_id',
  'step_type_info',
] as const;

/**
 * What the engine provides to an evaluation. Only `get` is required; a missing optional
 * method makes the matching `params.*` call fail with a PARAM error. Returning `undefined`
 * means "not found". Values are copied into SEL on every access, so a script can never
 * mutate host state, and nothing a host returns is ever exposed as a JavaScript object.
 */
export interface ParamHost {
  /** A parameter visible to the expression by bare name or params.get / params[...]. */
  get(name: string): HostValue;
  /** Defaults to `get(name) !== undefined`. */
  has?(name: string): boolean;
  /** Upstream step's param or special field (STEP_SPECIAL_FIELDS). */
  getFromStep?(stepId: string, name: string): HostValue;
  /** The current step's param or special field (`params.getFromStep(NAME)`). */
  getFromCurrentStep?(name: string): HostValue;
  /** A param of the signal instance `signalName` that fired the trigger which started the run. */
  getFromSignal?(signalName: string, paramName: string): HostValue;
  /**
   * A param of the first signal that fired the trigger (Maestro's one-argument
   * `params.getFromSignal(param)`). A separate method rather than `getFromSignal(undefined, ...)`, so
   * a host written for the two-argument form never sees an undefined signal name.
   */
  getFromFirstSignal?(paramName: string): HostValue;
  getFromSignalDependency?(signalName: string, paramName: string): HostValue;
  /** Values of `paramName` from every iteration of `stepId` inside the foreach step. */
  getFromForeach?(foreachStepId: string, stepId: string, paramName: string): HostValue;
  getFromSubworkflow?(subworkflowStepId: string, stepId: string, paramName: string): HostValue;
  /** System fields of the workflow instance (INITIATOR_TIMEZONE, RUN_POLICY, owner...). */
  getFromInstance?(field: string): HostValue;
  /** Defaults to a random positive 63-bit id. */
  nextUniqueId?(): number | bigint;
  /** Epoch millis used by `new DateTime()`, `DateTime.now()`, `System.currentTimeMillis()`. */
  now?(): number;
}

/** An empty host: every parameter is unknown. */
export const EMPTY_HOST: ParamHost = Object.freeze({ get: () => undefined });

export interface HostLimits {
  maxArraySize: number;
  maxStringLength: number;
}

/** Deep-copies a host value into SEL values, inferring Maestro array element types. */
export function fromHost(v: HostValue, lim: HostLimits, what: string, depth = 0): Value {
  if (depth > 32) throw new SelError('PARAM', `${what}: value nested too deeply`);
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      if (v.length > lim.maxStringLength) {
        throw new SelError(
          'LIMIT_STRING',
          `${what}: string of ${v.length} characters exceeds ${lim.maxStringLength}`,
        );
      }
      return v;
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) < 9.2e18) return BigInt(v);
      return new JDouble(v);
    case 'bigint':
      return BigInt.asIntN(64, v);
    case 'object':
      break;
    default:
      throw new SelError('PARAM', `${what}: unsupported host value of type ${typeof v}`);
  }
  if (v instanceof Date) return new SelDateTime(DateTime.fromMillis(v.getTime(), { zone: 'UTC' }));
  if (Array.isArray(v)) {
    if (v.length > lim.maxArraySize) {
      throw new SelError('LIMIT_ARRAY', `${what}: array of ${v.length} elements exceeds ${lim.maxArraySize}`);
    }
    const items = v.map((x: HostValue, i: number) => fromHost(x, lim, `${what}[${i}]`, depth + 1));
    return new SelArray(inferElem(items), items);
  }
  const entries: [string, HostValue][] =
    v instanceof Map ? [...(v as ReadonlyMap<string, HostValue>).entries()] : plainEntries(v, what);
  if (entries.length > lim.maxArraySize) {
    throw new SelError(
      'LIMIT_ARRAY',
      `${what}: map of ${entries.length} entries exceeds ${lim.maxArraySize}`,
    );
  }
  const m = new Map<string, Value>();
  for (const [k, x] of entries) m.set(String(k), fromHost(x, lim, `${what}.${String(k)}`, depth + 1));
  return new SelMap(m);
}

function plainEntries(v: object, what: string): [string, HostValue][] {
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new SelError('PARAM', `${what}: only plain objects, arrays and maps can be passed to SEL`);
  }
  return Object.keys(v).map((k) => [k, (v as Record<string, HostValue>)[k]]);
}

function inferElem(items: Value[]): ElemType {
  if (items.length === 0) return 'Object';
  let t: ElemType | null = null;
  for (const x of items) {
    const k: ElemType =
      typeof x === 'string'
        ? 'String'
        : typeof x === 'bigint'
          ? 'long'
          : typeof x === 'boolean'
            ? 'boolean'
            : x instanceof JDouble
              ? 'double'
              : 'Object';
    if (t === null) t = k;
    else if (t !== k) {
      if ((t === 'long' && k === 'double') || (t === 'double' && k === 'long')) t = 'double';
      else return 'Object';
    }
  }
  if (t === 'double')
    for (let i = 0; i < items.length; i++)
      if (typeof items[i] === 'bigint') items[i] = new JDouble(Number(items[i]));
  return t ?? 'Object';
}

/** The plain JS form of a SEL result: int/double -> number, long -> bigint, map -> object. */
export type SelResult =
  | null
  | boolean
  | string
  | number
  | bigint
  | SelResult[]
  | { [key: string]: SelResult };

export function toResult(v: Value, depth = 0): SelResult {
  switch (typeof v) {
    case 'number':
    case 'bigint':
    case 'string':
    case 'boolean':
      return v;
  }
  if (v === null) return null;
  if (v instanceof JDouble) return v.v;
  if (depth > 32) throw new SelError('CONVERSION', 'result nested too deeply');
  if (v instanceof SelArray) return v.items.map((x) => toResult(x, depth + 1));
  if (v instanceof SelMap) {
    return Object.fromEntries([...v.map].map(([k, x]) => [k, toResult(x, depth + 1)]));
  }
  return javaString(v);
}

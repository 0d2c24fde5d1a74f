import { type CatchUp, parseCatchUp } from './catch-up';
import { keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import {
  type JsonObject,
  asObject,
  isObject,
  optBoolean,
  optInteger,
  optObject,
  optString,
  rejectUnknownKeys,
  typeName,
} from './reader';
import { type RunStrategy, parseRunStrategy } from './run-strategy';
import { type Tag, parseTags } from './tags';
import { parseAlerting } from './alerting';
import { type Ctx, report } from './violations';

/** The owner of a workflow: a user name, with any extra fields of Maestro's object form. */
export interface Owner {
  name: string;
  extraInfo?: Record<string, unknown>;
}

/**
 * Workflow properties (Maestro's Properties). A push carries a *change*: unset fields keep their
 * previous value (see mergeProperties). Properties apply to every version of the workflow.
 */
export interface Properties {
  owner?: Owner;
  /** Opaque to Baton (Maestro leaves access control pluggable). */
  accessControl?: Record<string, unknown>;
  runStrategy?: RunStrategy;
  /** Steps of one workflow allowed to run at once across its instances. */
  stepConcurrency?: number;
  /**
   * Maestro's alerting block, kept as written; Baton delivers what `webhooks`, `tct` and
   * `long_running` say (see alerting.ts) and keeps the rest (emails, pagerduties...).
   */
  alerting?: Record<string, unknown>;
  alertingDisabled?: boolean;
  signalTriggerDisabled?: boolean;
  timeTriggerDisabled?: boolean;
  /** Baton: what to do with time-trigger fires missed while the signal service was down. */
  timeTriggerCatchUp?: CatchUp;
  description?: string;
  tags?: Tag[];
}

const KEYS = new Set([
  'owner',
  'access_control',
  'run_strategy',
  'step_concurrency',
  'alerting',
  'alerting_disabled',
  'signal_trigger_disabled',
  'time_trigger_disabled',
  'time_trigger_catch_up',
  'description',
  'tags',
]);

export function parseProperties(ctx: Ctx, path: string, v: unknown): Properties | undefined {
  const obj = asObject(ctx, path, v);
  if (!obj) return undefined;
  rejectUnknownKeys(ctx, path, obj, KEYS);
  const props: Properties = {};
  const owner = parseOwner(ctx, keyPath(path, 'owner'), obj.owner);
  if (owner) props.owner = owner;
  const accessControl = optObject(ctx, path, obj, 'access_control');
  if (accessControl) props.accessControl = accessControl;
  if (obj.run_strategy !== undefined && obj.run_strategy !== null) {
    const rs = parseRunStrategy(ctx, keyPath(path, 'run_strategy'), obj.run_strategy);
    if (rs) props.runStrategy = rs;
  }
  const sc = optInteger(ctx, path, obj, 'step_concurrency', 1, DEFINITION_LIMITS.maxStepConcurrency);
  if (sc !== undefined) props.stepConcurrency = sc;
  const alerting = optObject(ctx, path, obj, 'alerting');
  if (alerting) {
    // Kept as written (Maestro's other fields pass through); the fields Baton acts on are checked.
    parseAlerting(ctx, keyPath(path, 'alerting'), alerting);
    props.alerting = alerting;
  }
  readFlags(ctx, path, obj, props);
  if (obj.time_trigger_catch_up !== undefined && obj.time_trigger_catch_up !== null) {
    const c = parseCatchUp(ctx, keyPath(path, 'time_trigger_catch_up'), obj.time_trigger_catch_up);
    if (c) props.timeTriggerCatchUp = c;
  }
  const description = optString(ctx, path, obj, 'description');
  if (description !== undefined) props.description = description;
  if (obj.tags !== undefined && obj.tags !== null) {
    const tags = parseTags(ctx, keyPath(path, 'tags'), obj.tags);
    if (tags) props.tags = tags;
  }
  return props;
}

function readFlags(ctx: Ctx, path: string, obj: JsonObject, props: Properties): void {
  const alertingDisabled = optBoolean(ctx, path, obj, 'alerting_disabled');
  if (alertingDisabled !== undefined) props.alertingDisabled = alertingDisabled;
  const signalTriggerDisabled = optBoolean(ctx, path, obj, 'signal_trigger_disabled');
  if (signalTriggerDisabled !== undefined) props.signalTriggerDisabled = signalTriggerDisabled;
  const timeTriggerDisabled = optBoolean(ctx, path, obj, 'time_trigger_disabled');
  if (timeTriggerDisabled !== undefined) props.timeTriggerDisabled = timeTriggerDisabled;
}

/** Owner: `"alice"` or `{"name": "alice", ...extra}` (Maestro's User). */
function parseOwner(ctx: Ctx, path: string, v: unknown): Owner | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    if (v.trim() === '') report(ctx, path, 'owner cannot be empty');
    return { name: v };
  }
  if (!isObject(v)) {
    report(ctx, path, `owner must be a user name or an object with a name, got ${typeName(v)}`);
    return undefined;
  }
  const { name, ...rest } = v;
  if (typeof name !== 'string' || name.trim() === '') {
    report(ctx, keyPath(path, 'name'), 'owner name is required and must be a non-empty string');
    return undefined;
  }
  const extra = Object.fromEntries(Object.entries(rest).filter(([, x]) => x !== null));
  return Object.keys(extra).length > 0 ? { name, extraInfo: extra } : { name };
}

import { BatonError, type FieldViolation, type Principal, isAuthenticatedCaller } from '@baton/kit';
import { isValidTimezone } from '@baton/model';
import { type Initiator, InitiatorType, type ParamValue } from '@baton/proto';
import { fromParamValue, toParamValue } from '@baton/sdk';
import type { TriggerInfo } from '../domain';

/**
 * Bounds on a StartWorkflow initiator. The signal service sends the signals that fired a trigger;
 * these keep one start request (and the instance document that stores it) small.
 */
export const INITIATOR_LIMITS = {
  /** Signals in one initiator (a signal trigger joins a few signals, not a stream of them). */
  maxSignals: 8,
  /** Params of one signal. */
  maxSignalParams: 64,
  /** Characters of the initiator name, trigger id, signal name or signal param name. */
  maxNameLength: 256,
  /** Characters of a STRING signal param. */
  maxStringLength: 4096,
} as const;

/** Latest trigger time accepted: the end of year 9999, so dates stay eight digits. */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const TRIGGER_KINDS: ReadonlyMap<InitiatorType, TriggerInfo['kind']> = new Map([
  [InitiatorType.INITIATOR_TYPE_TIME, 'TIME'],
  [InitiatorType.INITIATOR_TYPE_SIGNAL, 'SIGNAL'],
  [InitiatorType.INITIATOR_TYPE_BACKFILL, 'BACKFILL'],
]);

/** What StartWorkflow keeps of its initiator: the name (snapshot `initiator`) and the trigger, if any. */
export interface StartInitiator {
  name: string;
  trigger?: TriggerInfo;
}

/**
 * Reads StartWorkflow's `initiator`. Absent, UNSPECIFIED or MANUAL: a user start (name defaults to
 * 'manual'). TIME, BACKFILL and SIGNAL: a trigger start (name defaults to the type in lower case).
 * The kinds the scheduler sets itself (SUBWORKFLOW, FOREACH, WHILE, RESTART) are refused. Every
 * problem is reported at once as INVALID_ARGUMENT with its field path.
 */
export function fromApiInitiator(init: Initiator | undefined): StartInitiator {
  if (!init) return { name: 'manual' };
  const v: FieldViolation[] = [];
  const bad = (field: string, description: string) => v.push({ field: `initiator.${field}`, description });
  const kind = TRIGGER_KINDS.get(init.type);
  const manual =
    init.type === InitiatorType.INITIATOR_TYPE_UNSPECIFIED ||
    init.type === InitiatorType.INITIATOR_TYPE_MANUAL;
  if (!kind && !manual) {
    bad('type', 'must be MANUAL, TIME, SIGNAL or BACKFILL (the scheduler sets the other kinds itself)');
  }
  if (init.name.length > INITIATOR_LIMITS.maxNameLength) {
    bad('name', `at most ${INITIATOR_LIMITS.maxNameLength} characters`);
  }
  const time = init.triggerTime?.getTime();
  if (time !== undefined && !(time >= 0 && time <= MAX_TIME)) {
    bad('trigger_time', 'must be between 1970 and the end of 9999');
  }
  if (init.timezone !== '' && (init.timezone.length > 64 || !isValidTimezone(init.timezone))) {
    bad(
      'timezone',
      `unknown time zone '${init.timezone.slice(0, 64)}' (an IANA name such as America/Los_Angeles)`,
    );
  }
  if (init.triggerId.length > INITIATOR_LIMITS.maxNameLength) {
    bad('trigger_id', `at most ${INITIATOR_LIMITS.maxNameLength} characters`);
  }
  if (manual) {
    if (init.triggerTime)
      bad('trigger_time', 'only a TIME, SIGNAL or BACKFILL initiator carries a trigger time');
    if (init.timezone) bad('timezone', 'only a TIME or BACKFILL initiator carries a time zone');
    if (init.triggerId) bad('trigger_id', 'only a TIME, SIGNAL or BACKFILL initiator carries a trigger id');
  }
  if (kind === 'TIME' || kind === 'BACKFILL') {
    if (!init.triggerTime)
      bad('trigger_time', `is required for a ${kind} initiator (the time the run stands for)`);
  }
  if (kind && init.triggerId === '') bad('trigger_id', `is required for a ${kind} initiator`);
  if (kind === 'SIGNAL' && init.signals.length === 0)
    bad('signals', 'a SIGNAL initiator names at least one signal');
  if (kind !== 'SIGNAL' && init.signals.length > 0) bad('signals', 'only a SIGNAL initiator carries signals');
  const signals = readSignals(init, bad);
  if (v.length > 0) throw BatonError.invalid('initiator is invalid', v);
  const name = init.name || (kind ? kind.toLowerCase() : 'manual');
  if (!kind) return { name };
  const trigger: TriggerInfo = { kind, triggerId: init.triggerId };
  if (time !== undefined) trigger.time = time;
  if (init.timezone) trigger.timezone = init.timezone;
  if (signals.length > 0) trigger.signals = signals;
  return { name, trigger };
}

type Signal = NonNullable<TriggerInfo['signals']>[number];

function readSignals(init: Initiator, bad: (field: string, description: string) => void): Signal[] {
  if (init.signals.length > INITIATOR_LIMITS.maxSignals) {
    bad('signals', `at most ${INITIATOR_LIMITS.maxSignals} signals`);
    return [];
  }
  return init.signals.map((s, i) => {
    const at = `signals[${i}]`;
    if (s.name === '' || s.name.length > INITIATOR_LIMITS.maxNameLength) {
      bad(`${at}.name`, `is required, at most ${INITIATOR_LIMITS.maxNameLength} characters`);
    }
    const seq = Number(s.seq);
    if (!Number.isSafeInteger(seq) || seq < 0) bad(`${at}.seq`, 'must be a non-negative integer below 2^53');
    const entries = Object.entries(s.params);
    if (entries.length > INITIATOR_LIMITS.maxSignalParams) {
      bad(`${at}.params`, `at most ${INITIATOR_LIMITS.maxSignalParams} params`);
      return { name: s.name, seq, params: {} };
    }
    const params: Record<string, string | number> = {};
    for (const [k, pv] of entries) {
      const value = signalParam(pv, (d) => bad(`${at}.params.${k.slice(0, 64)}`, d));
      if (k === '' || k.length > INITIATOR_LIMITS.maxNameLength) {
        bad(
          `${at}.params`,
          `a param name is empty or longer than ${INITIATOR_LIMITS.maxNameLength} characters`,
        );
      } else if (value !== undefined) {
        Object.defineProperty(params, k, { value, enumerable: true, writable: true, configurable: true });
      }
    }
    return { name: s.name, seq, params };
  });
}

/** A signal param: STRING or LONG (the types of Maestro's signal params). */
function signalParam(pv: ParamValue, bad: (description: string) => void): string | number | undefined {
  if (pv.kind?.$case !== 'stringValue' && pv.kind?.$case !== 'longValue') {
    bad('a signal param is a STRING or a LONG');
    return undefined;
  }
  const v = fromParamValue(pv, { longs: 'auto' });
  if (typeof v === 'string') {
    if (v.length <= INITIATOR_LIMITS.maxStringLength) return v;
    bad(`at most ${INITIATOR_LIMITS.maxStringLength} characters`);
    return undefined;
  }
  if (typeof v === 'number') return v;
  bad('a LONG signal param must be within ±2^53');
  return undefined;
}

/**
 * The API view of who started a run. `child` is the kind of a child instance (it wins: an
 * iteration of a TIME run is a FOREACH/WHILE/SUBWORKFLOW run that carries its trigger); else the
 * trigger's kind, RESTART for an initiator recorded as 'restart', MANUAL otherwise.
 */
export function toApiInitiator(
  initiator: string | undefined,
  trigger: TriggerInfo | undefined,
  child?: InitiatorType,
): Initiator {
  const type =
    child ??
    (trigger
      ? apiKind(trigger.kind)
      : initiator === 'restart'
        ? InitiatorType.INITIATOR_TYPE_RESTART
        : InitiatorType.INITIATOR_TYPE_MANUAL);
  return {
    type,
    name: initiator ?? '',
    ...(trigger?.time !== undefined ? { triggerTime: new Date(trigger.time) } : {}),
    timezone: trigger?.timezone ?? '',
    triggerId: trigger?.triggerId ?? '',
    signals: (trigger?.signals ?? []).map((s) => ({
      name: s.name,
      seq: String(s.seq),
      params: Object.fromEntries(Object.entries(s.params).map(([k, x]) => [k, toParamValue(x)])),
    })),
  };
}

function apiKind(kind: TriggerInfo['kind']): InitiatorType {
  for (const [type, k] of TRIGGER_KINDS) if (k === kind) return type;
  return InitiatorType.INITIATOR_TYPE_MANUAL;
}

/**
 * Who a start is recorded as: a caller with a token is its own principal, never the name the
 * request claims; trigger starts (TIME, SIGNAL, BACKFILL) are the signal service's to make, so a
 * token holder asking for one is refused rather than allowed to forge a trigger's run. Dev mode
 * (no auth) and the services themselves keep the request's initiator.
 */
export function callerInitiator(init: StartInitiator, principal: Principal | undefined): StartInitiator {
  if (!isAuthenticatedCaller(principal)) return init;
  if (init.trigger) {
    throw new BatonError(
      'PERMISSION_DENIED',
      `${principal?.name} may not start a ${init.trigger.kind} run: trigger runs are started by the signal service`,
      { violations: [{ field: 'initiator.type', description: 'MANUAL for a caller with a token' }] },
    );
  }
  return { name: principal?.name ?? init.name };
}

/**
 * Limits on signals, shared by push-time validation (signal triggers, dependencies, outputs) and the
 * signal service's PublishSignal. They bound what one signal costs to store and to match.
 */
export const SIGNAL_LIMITS = {
  /** A signal name (Maestro's id length limit). */
  maxNameLength: 128,
  /** Indexed params of one signal instance. */
  maxParams: 32,
  maxParamNameLength: 128,
  /** A STRING param value, in characters (LONG values are 64-bit integers). */
  maxStringValueLength: 1024,
  /** The payload as JSON text, in bytes. */
  maxPayloadBytes: 1024 * 1024,
  /** Signals one trigger joins (as Maestro). */
  maxSignalsPerTrigger: 8,
  /** Signal dependencies of one step, and signal outputs of one step. */
  maxDependenciesPerStep: 8,
  maxOutputsPerStep: 8,
  /** A request id, in characters. */
  maxRequestIdLength: 256,
} as const;

// Maestro's id characters, plus '/' and ':' that table-like names use (`prod/db.table`). Never '#'
// or '|': the signal service keys documents by `<name>#<seq>`.
const SIGNAL_NAME = /^[_a-zA-Z0-9][.\-_a-zA-Z0-9/:]*$/;
const PARAM_NAME = /^[_a-zA-Z][.\-_a-zA-Z0-9]*$/;

/** Why a signal name is not valid, or undefined when it is. */
export function signalNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'signal name cannot be empty';
  if (name.length > SIGNAL_LIMITS.maxNameLength) {
    return `signal name is ${name.length} characters, over the limit of ${SIGNAL_LIMITS.maxNameLength}`;
  }
  if (!SIGNAL_NAME.test(name)) return `signal name '${name}' must match ${SIGNAL_NAME.source}`;
  return undefined;
}

/** Why a signal param name is not valid, or undefined when it is. */
export function signalParamNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'param name cannot be empty';
  if (name.length > SIGNAL_LIMITS.maxParamNameLength) {
    return `param name is ${name.length} characters, over the limit of ${SIGNAL_LIMITS.maxParamNameLength}`;
  }
  if (!PARAM_NAME.test(name)) return `param name '${name}' must match ${PARAM_NAME.source}`;
  return undefined;
}

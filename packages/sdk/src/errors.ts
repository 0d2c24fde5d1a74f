import type { Metadata } from '@grpc/grpc-js';
import { decodeStatusDetails, type FieldViolation } from './status-details';
import { type StatusCodeName, statusCodeName } from './status-codes';

/** What the SDK knows about the call that failed, recorded on the error. */
export interface CallContext {
  /** The x-request-id sent with the call. */
  requestId?: string;
  /** The full gRPC method path, e.g. `/baton.v1.DefinitionService/PushWorkflow`. */
  method?: string;
}

export interface BatonClientErrorInit {
  violations?: FieldViolation[];
  reason?: string;
  requestId?: string;
  method?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The one error every SDK call rejects with. `code` is the gRPC status name;
 * `violations` and `reason` come from the google.rpc.BadRequest and ErrorInfo
 * details the services attach, so callers never parse message text.
 */
export class BatonClientError extends Error {
  readonly code: StatusCodeName;
  /** Every field problem at once (INVALID_ARGUMENT), as JSON paths into the request. */
  readonly violations: FieldViolation[];
  /** Machine-readable reason from google.rpc.ErrorInfo, e.g. `WORKFLOW_NOT_FOUND`. */
  readonly reason?: string;
  /** The x-request-id of the failed call: quote it when reading service logs. */
  readonly requestId?: string;
  readonly method?: string;
  /** RESOURCE_EXHAUSTED: how long the service asks the caller to wait (google.rpc.RetryInfo). */
  readonly retryAfterMs?: number;

  constructor(code: StatusCodeName, message: string, init: BatonClientErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'BatonClientError';
    this.code = code;
    this.violations = init.violations ?? [];
    this.reason = init.reason;
    this.requestId = init.requestId;
    this.method = init.method;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** A plain object for logs and `--json` output (Error's own fields are not enumerable). */
  toJSON(): {
    code: StatusCodeName;
    message: string;
    violations: FieldViolation[];
    reason?: string;
    requestId?: string;
    method?: string;
    retryAfterMs?: number;
  } {
    return {
      code: this.code,
      message: this.message,
      violations: this.violations,
      reason: this.reason,
      requestId: this.requestId,
      method: this.method,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

interface ServiceErrorLike {
  code: number;
  details?: string;
  message?: string;
  metadata?: Metadata;
}

function isServiceErrorLike(err: unknown): err is ServiceErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}

/**
 * Converts whatever a grpc-js call failed with into a BatonClientError. This is
 * the only place gRPC errors are interpreted; everything above sees one type.
 */
export function toClientError(err: unknown, ctx: CallContext = {}): BatonClientError {
  if (err instanceof BatonClientError) return err;
  if (!isServiceErrorLike(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new BatonClientError('UNKNOWN', message, { ...ctx, cause: err });
  }
  const details = decodeStatusDetails(err.metadata);
  const echoed = err.metadata?.get('x-request-id')[0];
  // grpc-js puts "<code> <NAME>: <details>" in message; details is the server's own text.
  const message = details.message ?? err.details ?? err.message ?? statusCodeName(err.code);
  return new BatonClientError(statusCodeName(err.code), message, {
    violations: details.violations,
    reason: details.reason,
    requestId: typeof echoed === 'string' && echoed !== '' ? echoed : ctx.requestId,
    method: ctx.method,
    retryAfterMs: details.retryAfterMs,
    cause: err,
  });
}

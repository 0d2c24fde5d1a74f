import { BatonClientError, type FieldViolation, type StatusCodeName } from '@baton/sdk';
import { unreachableWords } from './unreachable';

/** The JSON error every console API answer carries on failure: the service's own words and fields. */
export interface ApiError {
  code: StatusCodeName;
  message: string;
  /** Every field violation the service reported (INVALID_ARGUMENT), as the CLI shows them. */
  violations: FieldViolation[];
  reason?: string;
  requestId?: string;
}

const HTTP_STATUS: Partial<Record<StatusCodeName, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** The HTTP status that carries a gRPC code (the body keeps the exact code). */
export function httpStatusOf(code: StatusCodeName): number {
  return HTTP_STATUS[code] ?? 500;
}

/** A console-made error (bad URL, body, JSON) in the services' shape, naming the field. */
export function apiError(code: StatusCodeName, message: string, violations: FieldViolation[] = []): ApiError {
  return { code, message, violations };
}

/**
 * What the browser sees of a failed call: the service's own code, words and field violations; never
 * a stack, never grpc-js' connection text or an internal address. `service` (the URL's name) says
 * which service could not be reached.
 */
export function toApiError(err: unknown, service?: string): ApiError {
  if (err instanceof BatonClientError) {
    const unreachable = service === undefined ? undefined : unreachableWords(err, service);
    if (unreachable)
      return {
        code: 'UNAVAILABLE',
        message: unreachable.message,
        violations: [],
        reason: unreachable.reason,
        ...(err.requestId ? { requestId: err.requestId } : {}),
      };
    return {
      code: err.code,
      message: withoutTransportDetail(err.message),
      violations: err.violations,
      ...(err.reason ? { reason: err.reason } : {}),
      ...(err.requestId ? { requestId: err.requestId } : {}),
    };
  }
  return { code: 'INTERNAL', message: 'the console failed to handle the request', violations: [] };
}

/**
 * grpc-js appends its own diagnostics to a deadline or a dropped connection
 * (`Deadline exceeded after 10.001s,remote_addr=10.0.3.7:7402`, `LB pick: …`): the peer's address
 * is the cluster's business, not the browser's.
 */
export function withoutTransportDetail(message: string): string {
  return message.replace(/,\s*(?:name resolution|metadata filters|LB pick|remote_addr)[^,]*/g, '');
}

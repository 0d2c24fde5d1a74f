import { status as GrpcStatus } from '@grpc/grpc-js';

/** The closed set of error codes Baton uses; each maps to the gRPC status of the same name. */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'UNAVAILABLE'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNIMPLEMENTED'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'INTERNAL';

/** One problem with a request field; `field` is a JSON path such as `workflow.steps[2].id`. */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * The one error type services throw. The error-mapping interceptor turns it into
 * a gRPC status (with google.rpc.BadRequest details for field violations); any
 * other thrown value becomes INTERNAL with a generic message.
 */
export class BatonError extends Error {
  readonly code: ErrorCode;
  readonly violations: FieldViolation[];
  /** Machine-readable reason (google.rpc.ErrorInfo.reason), e.g. WORKFLOW_NOT_FOUND. */
  readonly reason?: string;
  /** When to try again (google.rpc.RetryInfo), for RESOURCE_EXHAUSTED. */
  readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { violations?: FieldViolation[]; reason?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'BatonError';
    this.code = code;
    this.violations = opts.violations ?? [];
    this.reason = opts.reason;
    this.retryAfterMs = opts.retryAfterMs;
  }

  static invalid(message: string, violations: FieldViolation[] = []): BatonError {
    return new BatonError('INVALID_ARGUMENT', message, { violations, reason: 'INVALID_ARGUMENT' });
  }

  static notFound(message: string, reason = 'NOT_FOUND'): BatonError {
    return new BatonError('NOT_FOUND', message, { reason });
  }

  static precondition(message: string, reason = 'FAILED_PRECONDITION'): BatonError {
    return new BatonError('FAILED_PRECONDITION', message, { reason });
  }

  static unimplemented(what: string): BatonError {
    return new BatonError('UNIMPLEMENTED', `${what} is not implemented yet`, { reason: 'UNIMPLEMENTED' });
  }
}

export const grpcCodeOf: Record<ErrorCode, GrpcStatus> = {
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
  FAILED_PRECONDITION: GrpcStatus.FAILED_PRECONDITION,
  ABORTED: GrpcStatus.ABORTED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  RESOURCE_EXHAUSTED: GrpcStatus.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: GrpcStatus.DEADLINE_EXCEEDED,
  UNIMPLEMENTED: GrpcStatus.UNIMPLEMENTED,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  INTERNAL: GrpcStatus.INTERNAL,
};

/** Checks a required string field and records a violation when it is empty. */
export function requireField(value: string | undefined, field: string, out: FieldViolation[]): void {
  if (value === undefined || value.trim() === '') out.push({ field, description: 'is required' });
}

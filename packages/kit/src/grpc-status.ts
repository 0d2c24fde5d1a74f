import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo, Status } from '@baton/proto';
import { type BatonError, grpcCodeOf } from './errors';

const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/**
 * Converts a BatonError into a grpc-js ServiceError carrying a google.rpc.Status in
 * `grpc-status-details-bin`, so grpcurl and SDK clients can show every field violation.
 */
export function toServiceError(err: BatonError, domain: string): Partial<ServiceError> {
  const code = grpcCodeOf[err.code];
  const details = [];
  if (err.violations.length > 0) {
    details.push({
      typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
      value: Buffer.from(
        BadRequest.encode({
          fieldViolations: err.violations.map((v) => ({
            field: v.field,
            description: v.description,
            reason: '',
            localizedMessage: undefined,
          })),
        }).finish(),
      ),
    });
  }
  if (err.retryAfterMs !== undefined) {
    const ms = Math.max(0, Math.ceil(err.retryAfterMs));
    details.push({
      typeUrl: 'type.googleapis.com/google.rpc.RetryInfo',
      value: Buffer.from(
        RetryInfo.encode({
          retryDelay: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
        } as RetryInfo).finish(),
      ),
    });
  }
  if (err.reason) {
    details.push({
      typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo',
      value: Buffer.from(ErrorInfo.encode({ reason: err.reason, domain, metadata: {} }).finish()),
    });
  }
  const metadata = new Metadata();
  metadata.set(
    STATUS_DETAILS_KEY,
    Buffer.from(Status.encode({ code, message: err.message, details }).finish()),
  );
  return { code, details: err.message, metadata };
}

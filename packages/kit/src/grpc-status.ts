import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo, Status } from '@baton/proto';
import { type BatonError, grpcCodeOf } from './errors';

const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/**
 * Bounds on what an error carries back. The message and the details travel in HTTP/2 trailers,
 * which a client refuses past its header-list limit: an error echoing a 100,000-character
 * workflow id never arrived, and the caller waited out its deadline instead of seeing
 * INVALID_ARGUMENT. Longer texts are cut (marked with …); violations past the budget are
 * summed up in a last one.
 */
export const ERROR_LIMITS = {
  messageChars: 4_000,
  fieldChars: 512,
  descriptionChars: 1_000,
  /** Bytes of all field violations together. */
  violationBytes: 32_768,
} as const;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The violations that fit the budget, the rest counted in a last one. */
function fittedViolations(err: BatonError): { field: string; description: string }[] {
  const out: { field: string; description: string }[] = [];
  let bytes = 0;
  for (const [i, v] of err.violations.entries()) {
    const field = cut(v.field, ERROR_LIMITS.fieldChars);
    const description = cut(v.description, ERROR_LIMITS.descriptionChars);
    bytes += Buffer.byteLength(field) + Buffer.byteLength(description) + 8;
    if (bytes > ERROR_LIMITS.violationBytes) {
      const left = err.violations.length - i;
      out.push({ field: '', description: `${left} more violation${left === 1 ? '' : 's'} left out` });
      break;
    }
    out.push({ field, description });
  }
  return out;
}

/**
 * Converts a BatonError into a grpc-js ServiceError carrying a google.rpc.Status in
 * `grpc-status-details-bin`, so grpcurl and SDK clients can show every field violation.
 */
export function toServiceError(err: BatonError, domain: string): Partial<ServiceError> {
  const code = grpcCodeOf[err.code];
  const message = cut(err.message, ERROR_LIMITS.messageChars);
  const details = [];
  if (err.violations.length > 0) {
    details.push({
      typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
      value: Buffer.from(
        BadRequest.encode({
          fieldViolations: fittedViolations(err).map((v) => ({
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
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(Status.encode({ code, message, details }).finish()));
  return { code, details: message, metadata };
}

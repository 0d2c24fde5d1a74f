import type { Metadata } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo, Status } from '@baton/proto';

/** The header in which Baton services (like Google APIs) send a binary google.rpc.Status. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** One problem with a request field; `field` is a JSON path such as `workflow.steps[2].id`. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** What the rich status carried, in the shape BatonClientError exposes. */
export interface StatusDetails {
  message?: string;
  violations: FieldViolation[];
  reason?: string;
  domain?: string;
  /** google.rpc.RetryInfo: how long to wait before trying again (RESOURCE_EXHAUSTED). */
  retryAfterMs?: number;
}

const BAD_REQUEST = 'google.rpc.BadRequest';
const ERROR_INFO = 'google.rpc.ErrorInfo';
const RETRY_INFO = 'google.rpc.RetryInfo';

/**
 * Decodes `grpc-status-details-bin` from a call's trailers. A missing or corrupt
 * header yields no details rather than an exception: the status code and message
 * alone still describe the failure, and a decoding bug must not hide it.
 */
export function decodeStatusDetails(trailers: Metadata | undefined): StatusDetails {
  const raw = trailers?.get(STATUS_DETAILS_KEY)[0];
  if (!(raw instanceof Uint8Array)) return { violations: [] };
  let st: Status;
  try {
    st = Status.decode(raw);
  } catch {
    return { violations: [] };
  }
  const out: StatusDetails = { message: st.message || undefined, violations: [] };
  for (const any of st.details) {
    // type URLs are "type.googleapis.com/<full name>"; only the name after the last slash matters.
    const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
    try {
      if (typeName === BAD_REQUEST) {
        for (const v of BadRequest.decode(any.value).fieldViolations) {
          out.violations.push({ field: v.field, description: v.description });
        }
      } else if (typeName === ERROR_INFO) {
        const info = ErrorInfo.decode(any.value);
        out.reason = info.reason || undefined;
        out.domain = info.domain || undefined;
      } else if (typeName === RETRY_INFO) {
        const delay = RetryInfo.decode(any.value).retryDelay;
        if (delay) out.retryAfterMs = Number(delay.seconds) * 1000 + Math.ceil(delay.nanos / 1_000_000);
      }
    } catch {
      // One undecodable detail leaves the others usable.
    }
  }
  return out;
}

import { status } from '@grpc/grpc-js';

/** A gRPC status name such as `'INVALID_ARGUMENT'`: the closed set of codes a call can fail with. */
export type StatusCodeName = keyof typeof status;

/** The status name of a numeric gRPC code; unknown numbers become `'UNKNOWN'`. */
export function statusCodeName(code: number): StatusCodeName {
  const name = (status as unknown as Record<number, string | undefined>)[code];
  return (name ?? 'UNKNOWN') as StatusCodeName;
}

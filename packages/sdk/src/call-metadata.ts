import { Metadata } from '@grpc/grpc-js';

export const REQUEST_ID_KEY = 'x-request-id';

/** Client-wide metadata, then the call's own, then the request id (which nothing may override). */
export function callMetadata(
  clientMetadata: Record<string, string>,
  callMetadata: Record<string, string> | undefined,
  requestId: string,
): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries({ ...clientMetadata, ...callMetadata })) md.set(k, v);
  md.set(REQUEST_ID_KEY, requestId);
  return md;
}

/** A grpc-js deadline `timeoutMs` from now, or none for `Infinity`. */
export function deadlineIn(timeoutMs: number): Date | undefined {
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0 (or Infinity), got ${timeoutMs}`);
  return Number.isFinite(timeoutMs) ? new Date(Date.now() + timeoutMs) : undefined;
}

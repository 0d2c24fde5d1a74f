import type { BatonClientError } from './errors';

/** How a client retries a unary call that failed UNAVAILABLE (a service restarting, a pod moving). */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 10 (about 10 s of pauses: the default deadline); 1 turns retries off. */
  maxAttempts?: number;
  /** Pause before the first retry (ms); each next pause doubles, with ±20% jitter. Default 100. */
  initialBackoffMs?: number;
  /** Longest pause between attempts (ms). Default 2000. */
  maxBackoffMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 10,
  initialBackoffMs: 100,
  maxBackoffMs: 2000,
};

/** Reads and checks (no effect to repeat), by the RPC's name. */
const READ_ONLY = /^(Get|List|Validate|Evaluate|Check|Describe)[A-Z]/;
/** Writes whose repeat has no second effect whatever the request holds. */
const IDEMPOTENT = new Set([
  'PushWorkflow',
  'ActivateVersion',
  'DeactivateWorkflow',
  'SetTagPermit',
  'DeleteTagPermit',
]);

/**
 * Whether a call that failed UNAVAILABLE may be sent again. Always when the request never left
 * (no connection was established: nothing reached a server); otherwise only for calls whose
 * repeat changes nothing — reads, writes that are idempotent by nature, and requests carrying
 * their own `requestId`, which the service deduplicates (StartWorkflow, PublishSignal, …). A
 * StartWorkflow without a request id is not retried once it may have reached the scheduler: a
 * second run is worse than an error the caller sees.
 */
export function mayRetry(method: string, request: unknown, err: BatonClientError): boolean {
  if (err.code !== 'UNAVAILABLE') return false;
  if (neverSent(err)) return true;
  const name = method.slice(method.lastIndexOf('/') + 1);
  if (READ_ONLY.test(name) || IDEMPOTENT.has(name)) return true;
  const id = (request as { requestId?: unknown } | null)?.requestId;
  return typeof id === 'string' && id !== '';
}

/** The pause before retry number `retry` (1 = the first retry), jittered so clients spread out. */
export function backoffMs(retry: number, opts: Required<RetryOptions>, random = Math.random): number {
  const base = Math.min(opts.maxBackoffMs, opts.initialBackoffMs * 2 ** (retry - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * An UNAVAILABLE that grpc-js raised itself because no connection could be made (refused, no such
 * host, TLS handshake): the request was never sent. Told by grpc-js' own wording at the start of the
 * message — a server's UNAVAILABLE carries the server's text (which may quote such an error of its
 * own further in, e.g. "definition service: No connection established…"), and is not this.
 */
export function neverSent(err: BatonClientError): boolean {
  return (
    err.code === 'UNAVAILABLE' && /^(No connection established|Name resolution failed)/.test(err.message)
  );
}

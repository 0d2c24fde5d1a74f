import { BatonClientError } from '@baton/sdk';

/** Why a connection failed, read from grpc-js' text (which names the socket error). */
const CAUSES: [RegExp, string, string][] = [
  [/ECONNREFUSED/, 'connection refused', 'CONNECTION_REFUSED'],
  [/ENOTFOUND|EAI_AGAIN|Name resolution failed|DNS resolution failed/i, 'host not found', 'HOST_NOT_FOUND'],
  [/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed? ?out/i, 'no answer (timed out)', 'TIMED_OUT'],
  [/ECONNRESET|socket hang up|Connection dropped|GOAWAY/i, 'connection reset', 'CONNECTION_RESET'],
  [
    /SSL|TLS|certificate|handshake|self[- ]signed|wrong version number/i,
    'TLS handshake failed (a TLS service needs --tls-ca or --tls; a plaintext one neither)',
    'TLS_FAILED',
  ],
];

/**
 * An UNAVAILABLE error in words a user can act on: "cannot reach the scheduler service at
 * 127.0.0.1:7402: connection refused", with the cause as `reason` for -o json. grpc-js' own text
 * ("No connection established. Last error: ... Resolution note: ") is not shown.
 */
export function unreachableError(err: BatonClientError, service: string, address: string): BatonClientError {
  const raw = err.message;
  const cause = CAUSES.find(([re]) => re.test(raw));
  const [, words, reason] = cause ?? [undefined, 'the service is unavailable', 'UNAVAILABLE'];
  return new BatonClientError('UNAVAILABLE', `cannot reach the ${service} service at ${address}: ${words}`, {
    reason,
    requestId: err.requestId,
    method: err.method,
    cause: err,
  });
}

import { BatonClientError, connectionCause } from '@baton/sdk';

/**
 * An UNAVAILABLE error in words a user can act on: "cannot reach the scheduler service at
 * 127.0.0.1:7402: connection refused", with the cause as `reason` for -o json. grpc-js' own text
 * ("No connection established. Last error: ... Resolution note: ") is not shown.
 */
export function unreachableError(err: BatonClientError, service: string, address: string): BatonClientError {
  const { words, reason } = connectionCause(
    err.message,
    'a TLS service needs --tls-ca or --tls; a plaintext one neither',
  );
  return new BatonClientError('UNAVAILABLE', `cannot reach the ${service} service at ${address}: ${words}`, {
    reason,
    requestId: err.requestId,
    method: err.method,
    cause: err,
  });
}

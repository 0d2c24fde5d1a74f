/**
 * Why a connection failed, read from grpc-js' text (which names the socket error), in words a
 * person can act on and as a machine-readable reason. `tlsHint` says what to check when the TLS
 * handshake failed (a CLI flag, a service's setting). For callers that reword an UNAVAILABLE that
 * grpc-js raised itself (see `neverSent`).
 */
export function connectionCause(message: string, tlsHint: string): { words: string; reason: string } {
  for (const [re, words, reason] of CAUSES) if (re.test(message)) return { words, reason };
  if (TLS.test(message)) return { words: `TLS handshake failed (${tlsHint})`, reason: 'TLS_FAILED' };
  return { words: 'the service is unavailable', reason: 'UNAVAILABLE' };
}

const CAUSES: [RegExp, string, string][] = [
  [/ECONNREFUSED/, 'connection refused', 'CONNECTION_REFUSED'],
  [/ENOTFOUND|EAI_AGAIN|Name resolution failed|DNS resolution failed/i, 'host not found', 'HOST_NOT_FOUND'],
  [/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed? ?out/i, 'no answer (timed out)', 'TIMED_OUT'],
  [/ECONNRESET|socket hang up|Connection dropped|GOAWAY/i, 'connection reset', 'CONNECTION_RESET'],
];
const TLS = /SSL|TLS|certificate|handshake|self[- ]signed|wrong version number/i;

import { type BatonClientError, connectionCause, neverSent } from '@baton/sdk';

/** The service names as people say them (the URL's `stepRuntime` is the step-runtime service). */
const SERVICE_WORDS: Record<string, string> = {
  definition: 'definition',
  scheduler: 'scheduler',
  stepRuntime: 'step-runtime',
  signal: 'signal',
};

/**
 * An UNAVAILABLE that grpc-js raised itself (no connection was made), in words a user can act on —
 * "the console cannot reach the scheduler service: connection refused" — as the CLI says it. grpc-js'
 * own text ("No connection established. Last error: … 127.0.0.1:7402 …") is not shown: the address
 * is the console's internal business (it is logged). A server's own UNAVAILABLE that quotes grpc-js
 * keeps the server's words. undefined for every other error: its message is shown as it is.
 */
export function unreachableWords(
  err: BatonClientError,
  service: string,
): { message: string; reason: string } | undefined {
  if (err.code !== 'UNAVAILABLE') return undefined;
  const { words, reason } = connectionCause(err.message, "check the console's BATON_TLS / BATON_TLS_CA");
  if (neverSent(err))
    return {
      message: `the console cannot reach the ${SERVICE_WORDS[service] ?? service} service: ${words}`,
      reason,
    };
  // A service's own UNAVAILABLE that quotes grpc-js about one of its peers ("definition service: No
  // connection established…"): keep the service's words, not grpc-js' (nor the peer's address).
  const at = err.message.search(GRPC_JS_WORDING);
  if (at < 0) return undefined;
  return { message: `${err.message.slice(0, at)}${words}`.trim(), reason };
}

const GRPC_JS_WORDING = /No connection established|Name resolution failed/;

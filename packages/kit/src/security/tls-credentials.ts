import { readFileSync } from 'node:fs';
import { type ChannelCredentials, ServerCredentials, credentials } from '@grpc/grpc-js';
import type { TlsConfig } from './security-config';

function read(tls: TlsConfig) {
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    ca: readFileSync(tls.caFile),
  };
}

/**
 * The public port: TLS with this service's certificate; clients are not asked for one (they
 * authenticate with tokens). The internal port: mutual TLS, a client certificate signed by the
 * CA is required, so only services reach it.
 */
export function serverCredentials(tls: TlsConfig | null, internal: boolean): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const { cert, key, ca } = read(tls);
  return internal
    ? ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], true)
    : ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
}

/** How a service calls another one's internal port: its own certificate as the client's. */
export function serviceChannelCredentials(tls: TlsConfig | null): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  const { cert, key, ca } = read(tls);
  return credentials.createSsl(ca, key, cert);
}

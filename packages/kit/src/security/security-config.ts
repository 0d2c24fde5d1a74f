import { existsSync } from 'node:fs';
import type { EnvReader } from '../env-reader';

/**
 * Transport and authentication settings, the same for every service. Dev mode (the default) is
 * plaintext without auth on a loopback bind; a non-loopback bind demands both (see checkExposure).
 */
export interface SecurityConfig {
  tls: TlsConfig | null;
  auth: AuthConfig | null;
  /** Per principal and replica: calls per second (0 = no limit) and the burst allowed. */
  rateLimit: { perSecond: number; burst: number };
  /** Audit records are kept this many days (0 = forever). */
  auditRetentionDays: number;
}

export interface TlsConfig {
  /** PEM files: this service's certificate and key (also its client certificate), and the CA. */
  certFile: string;
  keyFile: string;
  caFile: string;
}

export interface AuthConfig {
  /** Static API tokens: a JSON list of {name, sha256, roles}. */
  tokensFile?: string;
  /** HS256 JWTs: the shared secret, in a file. */
  jwtSecretFile?: string;
  /** RS256 / ES256 / EdDSA JWTs: a JWKS file of public keys. */
  jwksFile?: string;
  /** Required `iss` and `aud` of JWTs (aud default: baton). */
  issuer?: string;
  audience: string;
}

const file = (v: string) => (v === '' || existsSync(v) ? undefined : 'no such file');

export function readSecurityConfig(r: EnvReader): SecurityConfig {
  const tlsOn = r.oneOf('BATON_TLS', 'off', ['off', 'on'] as const) === 'on';
  const authOn = r.oneOf('BATON_AUTH', 'off', ['off', 'required'] as const) === 'required';
  const tls: TlsConfig | null = tlsOn
    ? {
        certFile: r.string('BATON_TLS_CERT', '', (v) => (v ? file(v) : 'required when BATON_TLS=on')),
        keyFile: r.string('BATON_TLS_KEY', '', (v) => (v ? file(v) : 'required when BATON_TLS=on')),
        caFile: r.string('BATON_TLS_CA', '', (v) => (v ? file(v) : 'required when BATON_TLS=on')),
      }
    : null;
  let auth: AuthConfig | null = null;
  if (authOn) {
    const tokensFile = r.string('BATON_AUTH_TOKENS_FILE', '', file);
    const jwtSecretFile = r.string('BATON_AUTH_JWT_SECRET_FILE', '', file);
    const jwksFile = r.string(
      'BATON_AUTH_JWKS_FILE',
      '',
      (v) =>
        file(v) ??
        (v || tokensFile || jwtSecretFile
          ? undefined
          : 'BATON_AUTH=required needs at least one of BATON_AUTH_TOKENS_FILE, BATON_AUTH_JWT_SECRET_FILE, BATON_AUTH_JWKS_FILE'),
    );
    const issuer = r.string('BATON_AUTH_JWT_ISSUER', '');
    auth = {
      ...(tokensFile ? { tokensFile } : {}),
      ...(jwtSecretFile ? { jwtSecretFile } : {}),
      ...(jwksFile ? { jwksFile } : {}),
      ...(issuer ? { issuer } : {}),
      audience: r.string('BATON_AUTH_JWT_AUDIENCE', 'baton'),
    };
  }
  return {
    tls,
    auth,
    rateLimit: {
      perSecond: r.int('BATON_RATE_LIMIT_PER_SECOND', 0, 0, 1_000_000),
      burst: r.int('BATON_RATE_LIMIT_BURST', 0, 0, 10_000_000),
    },
    auditRetentionDays: r.int('BATON_AUDIT_RETENTION_DAYS', 90, 0, 36_500),
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/**
 * A service reachable from other machines must check who calls (auth) and keep its internal port
 * for services only (mTLS). Returns the problem, or undefined when the exposure is safe.
 */
export function checkExposure(host: string, sec: SecurityConfig): string | undefined {
  if (isLoopback(host)) return undefined;
  if (!sec.auth) return `BATON_HOST=${host} is not a loopback address: BATON_AUTH=required is needed`;
  if (!sec.tls)
    return `BATON_HOST=${host} is not a loopback address: BATON_TLS=on is needed (the internal port admits services by certificate)`;
  return undefined;
}

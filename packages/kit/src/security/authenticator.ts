import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BatonError } from '../errors';
import { type Principal, parseGrants } from './principal';
import type { AuthConfig } from './security-config';

/** A static API token as stored: only the SHA-256 of the token, never the token itself. */
export interface StoredToken {
  name: string;
  sha256: string;
  roles: string[];
}

type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' }});
type JWTVerifyGetKey = ReturnType<Jose['createLocalJWKSet']>;

/** The longest Authorization header looked at: a JWT with many roles fits well within it. */
const MAX_TOKEN_LENGTH = 8192;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Turns a bearer token into a principal: a static API token (looked up by its hash) or a JWT
 * verified against the configured HS256 secret or JWKS public keys. Roles come from the token
 * (`baton_roles`: ["operator:etl.", "viewer"]), the name from its `sub`.
 */
export class Authenticator {
  private constructor(
    private readonly tokens: Map<string, Principal>,
    private readonly jose: Jose | null,
    private readonly secret: Uint8Array | null,
    private readonly jwks: JWTVerifyGetKey | null,
    private readonly config: AuthConfig,
  ) {}

  static async load(config: AuthConfig): Promise<Authenticator> {
    const tokens = new Map<string, Principal>();
    if (config.tokensFile) {
      const list = JSON.parse(readFileSync(config.tokensFile, 'utf8')) as StoredToken[];
      if (!Array.isArray(list)) throw new Error(`${config.tokensFile}: expected a JSON list of tokens`);
      for (const [i, t] of list.entries()) {
        const { grants, problems } = parseGrants(t?.roles);
        if (typeof t?.name !== 'string' || !/^[0-9a-f]{64}$/.test(t?.sha256 ?? '') || problems.length > 0)
          throw new Error(
            `${config.tokensFile}[${i}]: expected {name, sha256 (64 hex digits), roles}${problems.length ? `: ${problems.join('; ')}` : ''}`,
          );
        tokens.set(t.sha256, { name: `token:${t.name}`, kind: 'token', grants });
      }
    }
    const wantJwt = Boolean(config.jwtSecretFile || config.jwksFile);
    // jose is ESM-only; a dynamic import loads it from our CommonJS build.
    const jose: Jose | null = wantJwt ? await import('jose') : null;
    const secret = config.jwtSecretFile ? new Uint8Array(readFileSync(config.jwtSecretFile)) : null;
    if (secret && secret.length < 32)
      throw new Error(`${config.jwtSecretFile}: an HS256 secret needs 32 bytes or more`);
    const jwks =
      jose && config.jwksFile
        ? jose.createLocalJWKSet(JSON.parse(readFileSync(config.jwksFile, 'utf8')))
        : null;
    return new Authenticator(tokens, jose, secret, jwks, config);
  }

  /** The principal of an `authorization` header value; throws UNAUTHENTICATED. */
  async authenticate(header: string | undefined): Promise<Principal> {
    if (!header)
      throw new BatonError('UNAUTHENTICATED', 'missing bearer token (authorization: Bearer <token>)');
    if (header.length > MAX_TOKEN_LENGTH) throw new BatonError('UNAUTHENTICATED', 'the token is too long');
    const m = /^Bearer ([\x21-\x7e]+)$/i.exec(header);
    if (!m) throw new BatonError('UNAUTHENTICATED', 'the authorization header must be "Bearer <token>"');
    const token = m[1]!;
    const stored = this.tokens.get(sha256Hex(token));
    if (stored) return stored;
    if (this.jose && token.split('.').length === 3) return this.verifyJwt(this.jose, token);
    throw new BatonError('UNAUTHENTICATED', 'unknown or invalid token');
  }

  private async verifyJwt(jose: Jose, token: string): Promise<Principal> {
    const options = {
      audience: this.config.audience,
      ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
    };
    let payload: Record<string, unknown> | undefined;
    let alg = '';
    try {
      alg = String(jose.decodeProtectedHeader(token).alg ?? '');
    } catch {
      throw new BatonError('UNAUTHENTICATED', 'unknown or invalid token');
    }
    try {
      if (alg === 'HS256' && this.secret) {
        payload = (await jose.jwtVerify(token, this.secret, { ...options, algorithms: ['HS256'] })).payload;
      } else if (alg !== 'HS256' && this.jwks) {
        payload = (
          await jose.jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256', 'EdDSA'] })
        ).payload;
      }
    } catch (err) {
      const why = err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : 'invalid';
      throw new BatonError('UNAUTHENTICATED', `the token was refused (${why})`);
    }
    if (!payload)
      throw new BatonError('UNAUTHENTICATED', `tokens signed with ${alg || 'no algorithm'} are not accepted`);
    if (typeof payload.sub !== 'string' || payload.sub === '' || payload.exp === undefined)
      throw new BatonError('UNAUTHENTICATED', 'the token needs a subject (sub) and an expiry (exp)');
    const { grants, problems } = parseGrants(payload.baton_roles ?? []);
    if (problems.length > 0)
      throw new BatonError('UNAUTHENTICATED', `the token's baton_roles: ${problems.join('; ')}`);
    return { name: `user:${payload.sub}`, kind: 'user', grants };
  }
}

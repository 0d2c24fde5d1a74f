import { readFileSync } from 'node:fs';
import { credentials } from '@grpc/grpc-js';
import { type BatonClients, connect } from '@baton/sdk';
import type { Stack } from '@baton/testing';

/** Clients of a secure stack that present `token` (none: no authorization header). */
export function clientsWith(stack: Stack, token?: string): BatonClients {
  const sec = stack.security!;
  return connect({
    addresses: { ...stack.addresses, stepRuntime: stack.addresses['step-runtime'] },
    credentials: credentials.createSsl(readFileSync(sec.caFile)),
    ...(token ? { token } : {}),
    env: {},
  });
}

/** An HS256 JWT signed with the stack's secret (or another one). */
export async function mintJwt(
  stack: Stack,
  claims: Record<string, unknown>,
  opts: { secret?: Uint8Array; expiresIn?: string; audience?: string } = {},
): Promise<string> {
  const jose = await import('jose');
  const secret = opts.secret ?? new Uint8Array(readFileSync(stack.security!.jwtSecretFile));
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '5m')
    .setAudience(opts.audience ?? 'baton')
    .sign(secret);
}

import type { Logger } from 'pino';
import type { CallContext, Middleware } from '../call-context';
import { BatonError } from '../errors';
import type { AuditStore } from './audit-store';
import type { Authenticator } from './authenticator';
import { PERMISSIONS, authorize } from './permissions';
import { type Principal, superPrincipal } from './principal';
import type { RateLimiter } from './rate-limit';

export interface SecurityParts {
  /** This service's short name, recorded in audit events. */
  service: string;
  /** null: auth is off (dev mode), every caller is `anonymous` with every right. */
  authenticator: Authenticator | null;
  limiter: RateLimiter;
  audit: AuditStore | null;
  log: Logger;
}

const ANONYMOUS = superPrincipal('anonymous', 'anonymous');

/**
 * The public port's gatekeeper, after call logging: who calls (token), whether they may (the
 * permission table), how often (rate limit), and the audit record of every mutating call.
 * Health and reflection are served outside the adapter and need no token.
 */
export function publicSecurity(parts: SecurityParts): Middleware {
  return async (ctx, next) => {
    const rule = PERMISSIONS[ctx.method];
    if (!rule) throw new BatonError('PERMISSION_DENIED', `${ctx.method} has no permission rule`);
    const header = ctx.metadata.get('authorization')[0];
    const principal = parts.authenticator
      ? await parts.authenticator.authenticate(typeof header === 'string' ? header : undefined)
      : ANONYMOUS;
    ctx.principal = principal;
    ctx.log = ctx.log.child({ principal: principal.name });
    const decision = authorize(principal, rule, ctx.request);
    if (!decision.allowed) {
      const err = new BatonError('PERMISSION_DENIED', `${principal.name} lacks ${decision.missing}`, {
        reason: 'PERMISSION_DENIED',
      });
      if (rule.mutates) record(parts, ctx, principal, decision.target, err);
      throw err;
    }
    parts.limiter.take(principal.name);
    if (!rule.mutates) return next();
    try {
      await next();
      record(parts, ctx, principal, decision.target, null);
    } catch (err) {
      record(parts, ctx, principal, decision.target, err);
      throw err;
    }
  };
}

/**
 * The internal port admits only services: mTLS has verified the caller's certificate before the
 * call reaches here (or, without TLS, the port is bound to loopback). The certificate's name is
 * the principal; services may do everything among themselves. Their calls are not audited one by
 * one: each is the consequence of an audited call or of a trigger the signal service records.
 */
export function internalSecurity(tlsOn: boolean): Middleware {
  return async (ctx, next) => {
    if (tlsOn && !ctx.peer.certificateName)
      throw new BatonError('UNAUTHENTICATED', 'the internal port needs a service certificate');
    ctx.principal = superPrincipal(`service:${ctx.peer.certificateName ?? 'local'}`, 'service');
    return next();
  };
}

/**
 * Writes the record behind the response: records are batched (AuditStore) and the call does not
 * wait for them. Awaiting them made a burst of 1,000 publishes on FerretDB slower than the clients'
 * deadlines, and their retries snowballed; the price is that a crash can lose the records of the
 * last few milliseconds of calls.
 */
function record(
  parts: SecurityParts,
  ctx: CallContext,
  principal: Principal,
  target: string,
  err: unknown,
): void {
  void recordNow(parts, ctx, principal, target, err);
}

async function recordNow(
  parts: SecurityParts,
  ctx: CallContext,
  principal: Principal,
  target: string,
  err: unknown,
): Promise<void> {
  if (!parts.audit) return;
  const outcome = err === null ? 'OK' : err instanceof BatonError ? err.code : 'INTERNAL';
  const message = err === null ? '' : err instanceof Error ? err.message.slice(0, 1000) : '';
  try {
    await parts.audit.record({
      time: new Date(),
      service: parts.service,
      principal: principal.name,
      method: ctx.method,
      target,
      request_id: ctx.requestId,
      outcome,
      message,
    });
  } catch (e) {
    // The call itself already happened; losing its record is logged loudly, not hidden.
    parts.log.error({ err: e, method: ctx.method, principal: principal.name }, 'audit record failed');
  }
}

/**
 * Who makes a call and what they may do. Roles nest: an operator can do what a viewer can, an
 * admin what an operator can. A grant gives a role on a namespace: every workflow id (and signal
 * name) that starts with its prefix; the empty prefix is every namespace.
 */
export type Role = 'viewer' | 'operator' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface Grant {
  role: Role;
  /** Workflow-id / signal-name prefix; '' grants the role everywhere. */
  prefix: string;
}

export interface Principal {
  /** user:<sub>, token:<name>, service:<certificate name> or anonymous. */
  name: string;
  kind: 'user' | 'token' | 'service' | 'anonymous';
  grants: Grant[];
}

/** The longest prefix a grant may name (a workflow id is at most 128 characters). */
const MAX_PREFIX = 128;

/**
 * Parses a grant written as `role` (everywhere) or `role:prefix`, e.g. `operator:etl.`; `*` as the
 * prefix also means everywhere. Returns a message for a malformed one.
 */
export function parseGrant(text: string): Grant | string {
  const at = text.indexOf(':');
  const role = (at < 0 ? text : text.slice(0, at)) as Role;
  const raw = at < 0 ? '' : text.slice(at + 1);
  if (!ROLES.includes(role)) return `unknown role "${role}" (expected ${ROLES.join(', ')})`;
  if (raw.length > MAX_PREFIX) return `prefix longer than ${MAX_PREFIX} characters`;
  if (!/^[\w.\-/*]*$/.test(raw)) return `prefix "${raw}" has characters no workflow id or signal name has`;
  return { role, prefix: raw === '*' ? '' : raw };
}

/** Parses a list of grants, collecting the bad ones. */
export function parseGrants(texts: unknown): { grants: Grant[]; problems: string[] } {
  const grants: Grant[] = [];
  const problems: string[] = [];
  if (!Array.isArray(texts)) return { grants, problems: ['roles must be a list of strings'] };
  for (const t of texts) {
    const g = typeof t === 'string' ? parseGrant(t) : 'a role must be a string';
    if (typeof g === 'string') problems.push(g);
    else grants.push(g);
  }
  return { grants, problems };
}

/** Everything, everywhere: the dev-mode caller and the services among themselves. */
export function superPrincipal(name: string, kind: Principal['kind']): Principal {
  return { name, kind, grants: [{ role: 'admin', prefix: '' }] };
}

export function roleCovers(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** The longest name a change is recorded under. */
const MAX_ACTOR = 256;

/**
 * The name a change is recorded under (a definition's author, a run's initiator). A caller who
 * proved who they are with a token is that name, whatever the request claims: request fields are
 * for the two callers that cannot prove a person's name — dev mode without auth (anyone may
 * claim any name, as before auth existed) and Baton's own services acting for a trigger.
 */
export function actorName(principal: Principal | undefined, claimed: string, fallback: string): string {
  if (principal && (principal.kind === 'user' || principal.kind === 'token')) return principal.name;
  return claimed ? claimed.slice(0, MAX_ACTOR) : fallback;
}

/** True when the caller proved a person's or a token's identity (not dev mode, not a service). */
export function isAuthenticatedCaller(principal: Principal | undefined): boolean {
  return principal !== undefined && (principal.kind === 'user' || principal.kind === 'token');
}

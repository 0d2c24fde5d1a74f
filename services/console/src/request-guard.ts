import type { IncomingMessage } from 'node:http';

/**
 * Which Host headers the console answers. A page on another site can make a browser send requests
 * to 127.0.0.1:7400 under a name it controls (DNS rebinding); answering only known host names keeps
 * such a page from driving a console that, in dev mode, holds every right. `*` allows any name (only
 * behind an ingress that checks it, with BATON_AUTH=required on the services).
 */
export interface HostPolicy {
  any: boolean;
  names: ReadonlySet<string>;
}

export function hostPolicy(allowed: string, bindHost: string): HostPolicy {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (bindHost && bindHost !== '0.0.0.0' && bindHost !== '::')
    names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
  let any = false;
  for (const item of allowed.split(',')) {
    const name = item.trim().toLowerCase();
    if (name === '*') any = true;
    else if (name) names.add(name);
  }
  return { any, names };
}

/** The host name of a Host header, without its port; undefined when malformed. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (!header || header.length > 255) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(header);
  return m ? m[1].toLowerCase() : undefined;
}

export function hostAllowed(req: IncomingMessage, policy: HostPolicy): boolean {
  const name = hostNameOf(req.headers.host);
  return name !== undefined && (policy.any || policy.names.has(name));
}

/**
 * A request a browser sent from another origin: refused. The console answers no CORS preflight, so
 * this matters for the requests that need none (simple GETs and form posts).
 */
export function crossOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() !== (req.headers.host ?? '').toLowerCase();
  } catch {
    return true;
  }
}

/** The bearer header to forward to the services, if the browser sent one. */
export function authorizationOf(req: IncomingMessage): string | undefined {
  const value = req.headers.authorization;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * An API request a browser made for another site's page (an `<img>` or `<script>` pointing at a
 * stream sends no Origin): refused by its Fetch Metadata. Links to pages from elsewhere stay fine;
 * this guards `/api/` only. Clients that send no such header (curl, SDKs) are not browsers.
 */
export function crossSiteApiFetch(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return typeof site === 'string' && site !== 'same-origin' && site !== 'none';
}

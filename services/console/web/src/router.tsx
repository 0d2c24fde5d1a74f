// A small history-API router: every page is a real URL (linkable, reloadable); the server answers
// index.html for any non-API path and the app picks the page here.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** A path pattern: `/workflows/:workflowId/runs`. A `:name` matches one URL-encoded segment. */
  pattern: string;
  render(params: Record<string, string>, query: URLSearchParams): ComponentChildren;
}

interface Compiled {
  regex: RegExp;
  names: string[];
  route: Route;
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), names, route };
}

/** Goes to a console URL without reloading the page. */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The current location, re-rendered on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [href, setHref] = useState(location.href);
  useEffect(() => {
    const update = () => setHref(location.href);
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  const url = new URL(href);
  return { path: url.pathname, query: url.searchParams };
}

/** Sets query parameters of the current URL (a page's filters), keeping the rest. */
export function setQuery(changes: Record<string, string | undefined>, replace = true): void {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  navigate(`${url.pathname}${url.search}`, replace);
}

export function Router(props: {
  routes: Route[];
  notFound: (path: string) => ComponentChildren;
}): JSX.Element {
  const { path, query } = useLocation();
  const [compiled] = useState(() => props.routes.map(compile));
  for (const c of compiled) {
    const m = c.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      c.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]);
      });
    } catch {
      // A malformed escape (`%zz`) names no page.
      return <>{props.notFound(path)}</>;
    }
    return <>{c.route.render(params, query)}</>;
  }
  return <>{props.notFound(path)}</>;
}

/** An in-app link: a real href (open in a new tab works), navigation without a reload. */
export function Link(props: {
  href: string;
  class?: string;
  children: ComponentChildren;
  title?: string;
}): JSX.Element {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

/** Builds a console path from segments, each URL-encoded: path('runs', key, 'steps', id). */
export function path(...segments: (string | number)[]): string {
  return `/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

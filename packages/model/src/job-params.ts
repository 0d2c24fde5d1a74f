import { keyPath } from './json-path';
import type { ParamMap } from './params';
import { isObject } from './reader';
import { type Ctx, report } from './violations';

/** Http step methods (step-runtime's list). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** A SQL connection name, as step-runtime's connections file keys them. */
export const SQL_CONNECTION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The literal value of entry `key` of a MAP param's value (a nested param definition's `value`).
 * Undefined when absent or computed (an expression, an interpolation).
 */
function literal(
  entries: Record<string, unknown>,
  key: string,
): { value: unknown; path: string[] } | undefined {
  const e = entries[key];
  if (!isObject(e) || e.expression !== undefined || !Object.hasOwn(e, 'value')) return undefined;
  if (typeof e.value === 'string' && e.value.includes('${')) return undefined;
  return { value: e.value, path: [key, 'value'] };
}

const at = (base: string, keys: string[]) => keys.reduce(keyPath, base);

/** The MAP param a job step needs (`http`, `sql`), its literal entries, and where they are. */
function jobMap(
  ctx: Ctx,
  base: string,
  params: ParamMap | undefined,
  name: string,
  typeName: string,
): { entries: Record<string, unknown>; at: string } | undefined {
  const path = keyPath(keyPath(base, 'params'), name);
  const p = params?.[name];
  if (!p) {
    report(ctx, path, `a ${typeName} step needs params.${name} (a MAP param)`);
    return undefined;
  }
  if (p.type !== 'MAP') {
    report(ctx, keyPath(path, 'type'), `${name} must be a MAP param`);
    return undefined;
  }
  if (p.expression !== undefined || !isObject(p.value)) return undefined;
  return { entries: p.value as Record<string, unknown>, at: keyPath(path, 'value') };
}

function isNotebookText(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const nb = JSON.parse(v) as { cells?: unknown };
    return typeof nb === 'object' && nb !== null && Array.isArray(nb.cells);
  } catch {
    return false;
  }
}

/** What can be known at push about an Http, SQL, Notebook or Docker step's params; the rest is checked when it runs. */
export function checkJobParams(ctx: Ctx, base: string, type: string, params: ParamMap | undefined): void {
  if (type === 'HTTP') {
    const m = jobMap(ctx, base, params, 'http', 'Http');
    if (!m) return;
    if (m.entries.url === undefined) report(ctx, keyPath(m.at, 'url'), 'an Http step needs http.url');
    const url = literal(m.entries, 'url');
    if (url) {
      let ok = false;
      try {
        const u = new URL(String(url.value));
        ok = typeof url.value === 'string' && (u.protocol === 'http:' || u.protocol === 'https:');
      } catch {
        ok = false;
      }
      if (!ok) report(ctx, at(m.at, url.path), 'http.url must be an http or https URL');
    }
    const method = literal(m.entries, 'method');
    if (method && !(HTTP_METHODS as readonly string[]).includes(String(method.value).toUpperCase()))
      report(ctx, at(m.at, method.path), `http.method must be one of ${HTTP_METHODS.join(', ')}`);
    return;
  }
  if (type === 'DOCKER') {
    const m = jobMap(ctx, base, params, 'docker', 'Docker');
    if (!m) return;
    if (m.entries.image === undefined)
      report(ctx, keyPath(m.at, 'image'), 'a Docker step needs docker.image');
    const network = literal(m.entries, 'network');
    if (network && network.value !== 'none' && network.value !== 'bridge')
      report(ctx, at(m.at, network.path), 'docker.network must be none (the default) or bridge');
    const pull = literal(m.entries, 'pull');
    if (pull && !['never', 'if_missing', 'always'].includes(String(pull.value)))
      report(ctx, at(m.at, pull.path), 'docker.pull must be never, if_missing (the default) or always');
    return;
  }
  if (type === 'NOTEBOOK') {
    const m = jobMap(ctx, base, params, 'notebook', 'Notebook');
    if (!m) return;
    // `input_path` is Maestro's (papermill's) name for the path.
    if (m.entries.source === undefined && m.entries.path === undefined && m.entries.input_path === undefined)
      report(ctx, m.at, 'a Notebook step needs notebook.source (the .ipynb JSON text) or notebook.path');
    const source = literal(m.entries, 'source');
    if (source && !isNotebookText(source.value))
      report(
        ctx,
        at(m.at, source.path),
        'notebook.source must be the JSON text of a notebook (with its cells)',
      );
    return;
  }
  if (type === 'SQL') {
    const m = jobMap(ctx, base, params, 'sql', 'SQL');
    if (!m) return;
    if (m.entries.connection === undefined)
      report(ctx, keyPath(m.at, 'connection'), 'a SQL step needs sql.connection (a connection name)');
    const conn = literal(m.entries, 'connection');
    if (conn && (typeof conn.value !== 'string' || !SQL_CONNECTION_NAME.test(conn.value)))
      report(
        ctx,
        at(m.at, conn.path),
        `sql.connection must be a name matching ${SQL_CONNECTION_NAME.source}`,
      );
    if (m.entries.statements === undefined)
      report(ctx, keyPath(m.at, 'statements'), 'a SQL step needs sql.statements (STRING or STRING_ARRAY)');
    const st = literal(m.entries, 'statements');
    if (st) {
      const list = typeof st.value === 'string' ? [st.value] : st.value;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        list.some((x) => typeof x !== 'string' || x.trim() === '')
      )
        report(ctx, at(m.at, st.path), 'sql.statements must be a non-empty STRING or STRING_ARRAY');
    }
  }
}

/**
 * `:name` placeholders in SQL text → the driver's positional ones, so bind values travel as query
 * parameters and are never spliced into the text. A small lexer skips what is not code: quoted
 * strings ('…', E'…', "…", `…`), dollar-quoted bodies ($tag$…$tag$), comments (--, #, /* *\/) and
 * PostgreSQL's `::type` casts.
 */
export type Dialect = 'postgres' | 'mysql';

export interface Rewritten {
  text: string;
  /** Bind names in the order of the positional placeholders. */
  names: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

export function rewriteBinds(sql: string, dialect: Dialect): Rewritten {
  let out = '';
  const names: string[] = [];
  const pgIndex = new Map<string, number>();
  let i = 0;
  const n = sql.length;
  const copyUntil = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      // A quoted string or identifier; a doubled quote is an escaped one; MySQL also knows \'.
      let j = i + 1;
      while (j < n) {
        if (sql[j] === '\\' && dialect === 'mysql' && c !== '`') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      copyUntil(Math.min(j + 1, n));
    } else if (c === '-' && next === '-') {
      const j = sql.indexOf('\n', i);
      copyUntil(j < 0 ? n : j);
    } else if (c === '#' && dialect === 'mysql') {
      const j = sql.indexOf('\n', i);
      copyUntil(j < 0 ? n : j);
    } else if (c === '/' && next === '*') {
      const j = sql.indexOf('*/', i + 2);
      copyUntil(j < 0 ? n : j + 2);
    } else if (c === '$' && dialect === 'postgres' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))![0];
      const j = sql.indexOf(tag, i + tag.length);
      copyUntil(j < 0 ? n : j + tag.length);
    } else if (c === ':' && next === ':') {
      copyUntil(i + 2); // a cast, not a placeholder
    } else if (
      c === ':' &&
      next !== undefined &&
      NAME_START.test(next) &&
      (i === 0 || !NAME_PART.test(sql[i - 1]!))
    ) {
      let j = i + 1;
      while (j < n && NAME_PART.test(sql[j]!)) j++;
      const name = sql.slice(i + 1, j);
      if (dialect === 'postgres') {
        let k = pgIndex.get(name);
        if (k === undefined) {
          names.push(name);
          k = names.length;
          pgIndex.set(name, k);
        }
        out += `$${k}`;
      } else {
        names.push(name);
        out += '?';
      }
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, names };
}

import { readFile, stat } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { JobFailure } from '../job-failure.js';
import type { Dialect } from './named-binds.js';

/** One statement's result, driver-neutral. */
export interface StatementResult {
  /** Rows inserted, updated or deleted (0 for a query). */
  rowsAffected: number;
  /** Column names when the statement returned rows, else undefined. */
  columns?: string[];
  rows?: Record<string, unknown>[];
}

/** One connection taken from a pool for one attempt. */
export interface SqlSession {
  run(text: string, values: unknown[]): Promise<StatementResult>;
  /** Cancels the statement running now (on another connection: the server stops working on it). */
  cancel(): Promise<void>;
  /** Back to the pool, or closed when it may be in a bad state. */
  release(broken: boolean): void;
}

interface SqlDriver {
  dialect: Dialect;
  session(): Promise<SqlSession>;
  close(): Promise<void>;
  /**
   * Statements running on the server that carry an attempt tag, for servers that do not notice a
   * dead client by themselves (MySQL/MariaDB); PostgreSQL checks its clients (see postgresDriver).
   */
  taggedStatements?(): Promise<{ id: number; attemptKey: string }[]>;
  /** Ends a server connection (its client is gone) and the statement it runs. */
  kill?(id: number): Promise<void>;
}

/**
 * Every statement starts with this comment naming its attempt: the server's process list then
 * tells which attempt a statement belongs to, so one whose step-runtime died can be stopped.
 */
export function attemptTag(attemptKey: string): string {
  return `/* baton-attempt ${attemptKey.replace(/[^A-Za-z0-9_.:-]/g, '_')} */`;
}
const TAG = /^\/\* baton-attempt ([A-Za-z0-9_.:-]+) \*\//;

interface ConnectionSpec {
  driver: Dialect;
  url: string;
}

/** Connections of one pool at most; the pool also serves the cancel requests. */
const POOL_SIZE = 8;

/**
 * The SQL connections of BATON_CONNECTIONS_FILE (`{"<name>": {"driver": "postgres" | "mysql",
 * "url": "<driver URL>"}}`), each with its pool, kept across attempts. The file is read again when
 * it changes, so a new connection needs no restart; credentials stay in the service.
 */
export class SqlPools {
  private specs = new Map<string, ConnectionSpec>();
  private readonly drivers = new Map<string, { key: string; driver: SqlDriver }>();
  private loadedMtime = -1;

  constructor(private readonly file: string) {}

  /** A session on the named connection; PLATFORM failures when it cannot be had. */
  async session(name: string): Promise<{ session: SqlSession; dialect: Dialect }> {
    await this.load();
    const spec = this.specs.get(name);
    if (!spec) {
      const known = [...this.specs.keys()].join(', ') || 'none';
      throw new JobFailure(
        'PLATFORM',
        `no SQL connection named '${name}' in BATON_CONNECTIONS_FILE (known: ${known})`,
      );
    }
    const driver = this.driverFor(name);
    try {
      return { session: await driver.session(), dialect: driver.dialect };
    } catch (err) {
      throw new JobFailure('PLATFORM', `could not connect to SQL connection '${name}': ${errorText(err)}`);
    }
  }

  /**
   * Statements running now that carry an attempt tag, on every connection whose server does not
   * notice a dead client by itself (MySQL/MariaDB), each with a way to stop it (the orphan sweeper
   * decides which). An unreachable server is skipped: the next sweep looks again.
   */
  async taggedStatements(): Promise<{ attemptKey: string; stop: () => Promise<void> }[]> {
    if (this.file === '') return [];
    await this.load();
    const out: { attemptKey: string; stop: () => Promise<void> }[] = [];
    for (const [name, spec] of this.specs) {
      if (spec.driver !== 'mysql') continue;
      const driver = this.driverFor(name);
      const tagged = await driver.taggedStatements?.().catch(() => []);
      for (const t of tagged ?? []) out.push({ attemptKey: t.attemptKey, stop: () => driver.kill!(t.id) });
    }
    return out;
  }

  /** Ends every pool; a pool still lending a connection after 5 s is left to the process exit. */
  async close(): Promise<void> {
    const all = Promise.allSettled([...this.drivers.values()].map((d) => d.driver.close()));
    this.drivers.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, 5_000).unref()))]);
    clearTimeout(timer);
  }

  /** The pool of a connection of the loaded file (a new one when its driver or URL changed). */
  private driverFor(name: string): SqlDriver {
    const spec = this.specs.get(name)!;
    const key = `${spec.driver}|${spec.url}`;
    let entry = this.drivers.get(name);
    if (entry && entry.key !== key) {
      void entry.driver.close().catch(() => {});
      entry = undefined;
    }
    if (!entry) {
      entry = { key, driver: spec.driver === 'postgres' ? postgresDriver(spec.url) : mysqlDriver(spec.url) };
      this.drivers.set(name, entry);
    }
    return entry.driver;
  }

  private async load(): Promise<void> {
    if (this.file === '')
      throw new JobFailure(
        'PLATFORM',
        'no SQL connections are configured here (BATON_CONNECTIONS_FILE is not set)',
      );
    let mtime: number;
    try {
      mtime = (await stat(this.file)).mtimeMs;
    } catch (err) {
      throw new JobFailure('PLATFORM', `cannot read BATON_CONNECTIONS_FILE: ${errorText(err)}`);
    }
    if (mtime === this.loadedMtime) return;
    const parsed = parseConnections(await readFile(this.file, 'utf8'));
    if (typeof parsed === 'string') throw new JobFailure('PLATFORM', `BATON_CONNECTIONS_FILE: ${parsed}`);
    this.specs = parsed;
    this.loadedMtime = mtime;
  }
}

/** Checks the connections file's text; the problem as a string when it is bad. */
export function parseConnections(text: string): Map<string, ConnectionSpec> | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `not JSON (${errorText(err)})`;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return 'must be a JSON object of connections';
  const out = new Map<string, ConnectionSpec>();
  for (const [name, v] of Object.entries(raw)) {
    const c = v as Partial<ConnectionSpec> | null;
    if (typeof c !== 'object' || c === null) return `connection '${name}' must be an object`;
    if (c.driver !== 'postgres' && c.driver !== 'mysql')
      return `connection '${name}': driver must be "postgres" or "mysql"`;
    if (typeof c.url !== 'string' || c.url === '')
      return `connection '${name}': url must be a non-empty string`;
    out.set(name, { driver: c.driver, url: c.url });
  }
  return out;
}

/** A driver error's message without anything that could hold a password (URLs are not echoed). */
export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(err)}`;
}

function postgresDriver(url: string): SqlDriver {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    // The server checks every second that the client is still there, so a statement whose
    // step-runtime died (kill -9: no cancel sent) stops within a second rather than running on.
    options: '-c client_connection_check_interval=1000',
  });
  pool.on('error', () => {}); // an idle connection that dies is dropped by the pool; nothing to report
  return {
    dialect: 'postgres',
    async session() {
      const client = await pool.connect();
      const pid = (client as unknown as { processID: number }).processID;
      return {
        async run(text, values) {
          // Text without values may hold several statements; pg then answers one result per statement.
          const r: unknown = await client.query(text, values);
          const results = (Array.isArray(r) ? r : [r]) as pg.QueryResult[];
          const last = results[results.length - 1]!;
          let affected = 0;
          for (const x of results)
            if (x.command !== 'SELECT' && x.fields.length === 0) affected += x.rowCount ?? 0;
          return {
            rowsAffected: affected,
            ...(last.fields.length > 0 ? { columns: last.fields.map((f) => f.name), rows: last.rows } : {}),
          };
        },
        async cancel() {
          await pool.query('SELECT pg_cancel_backend($1)', [pid]);
        },
        release(broken) {
          client.release(broken ? new Error('attempt ended mid-statement') : undefined);
        },
      };
    },
    close: () => pool.end(),
  };
}

function mysqlDriver(url: string): SqlDriver {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: POOL_SIZE,
    connectTimeout: 10_000,
    multipleStatements: false,
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    dialect: 'mysql',
    async session() {
      const conn = await pool.getConnection();
      return {
        async run(text, values) {
          // With values, a server-side prepared statement (the values never enter the text);
          // without, a plain query (prepared statements cannot hold every statement).
          const [result, fields] =
            values.length > 0 ? await conn.execute(text, values as never[]) : await conn.query(text);
          if (Array.isArray(result)) {
            return {
              rowsAffected: 0,
              columns: (fields ?? []).map((f) => f.name),
              rows: result as Record<string, unknown>[],
            };
          }
          return { rowsAffected: (result as { affectedRows?: number }).affectedRows ?? 0 };
        },
        async cancel() {
          await pool.query(`KILL QUERY ${Number(conn.threadId)}`);
        },
        release(broken) {
          if (broken) conn.destroy();
          else conn.release();
        },
      };
    },
    close: () => pool.end(),
    async taggedStatements() {
      const [rows] = await pool.query(
        "SELECT ID AS id, INFO AS info FROM information_schema.PROCESSLIST WHERE INFO LIKE '/* baton-attempt %'",
      );
      const out: { id: number; attemptKey: string }[] = [];
      for (const r of rows as { id: number; info: string }[]) {
        const m = TAG.exec(r.info);
        if (m) out.push({ id: Number(r.id), attemptKey: m[1]! });
      }
      return out;
    },
    async kill(id) {
      await pool.query(`KILL ${Number(id)}`);
    },
  };
}

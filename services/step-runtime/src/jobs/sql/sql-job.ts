import type { JsonValue } from '../../runner/attempt-types.js';
import { type JobContext, JobFailure, type JobModule, mapParam, optNumber, optString } from '../job.js';
import { rewriteBinds } from './named-binds.js';
import { type StatementResult, attemptTag, errorText } from './sql-pools.js';

/** Rows of the last result kept as the `rows` output by default, and at most. */
export const DEFAULT_SQL_MAX_ROWS = 100;
export const MAX_SQL_ROWS = 1000;
/** The `rows` output is cut to stay under this many bytes of JSON. */
export const MAX_SQL_ROWS_BYTES = 256 * 1024;
/** Statements per step. */
export const MAX_SQL_STATEMENTS = 100;

export interface SqlJob {
  connection: string;
  statements: string[];
  bind: Record<string, JsonValue>;
  transaction: boolean;
  statementTimeoutMs?: number;
  maxRows: number;
}

export function prepareSql(params: Record<string, JsonValue>): SqlJob {
  const sql = mapParam(params, 'sql', 'SQL');
  const connection = optString(sql, 'connection', 'sql');
  if (!connection)
    throw new JobFailure('FATAL', "SQL step needs a STRING param 'sql.connection' (a connection name)");
  const raw = sql.statements;
  const statements = typeof raw === 'string' ? [raw] : raw;
  if (
    !Array.isArray(statements) ||
    statements.length === 0 ||
    statements.some((s) => typeof s !== 'string' || s.trim() === '')
  )
    throw new JobFailure('FATAL', "param 'sql.statements' must be a non-empty STRING or STRING_ARRAY");
  if (statements.length > MAX_SQL_STATEMENTS)
    throw new JobFailure('FATAL', `param 'sql.statements' holds more than ${MAX_SQL_STATEMENTS} statements`);
  const bind = sql.bind ?? {};
  if (typeof bind !== 'object' || bind === null || Array.isArray(bind))
    throw new JobFailure('FATAL', "param 'sql.bind' must be a MAP of values (referenced as :name)");
  const tx = sql.transaction;
  if (tx !== undefined && tx !== null && typeof tx !== 'boolean')
    throw new JobFailure('FATAL', "param 'sql.transaction' must be a BOOLEAN");
  const timeout = optNumber(sql, 'statement_timeout', 'sql', 0.001, 86_400);
  const maxRows = optNumber(sql, 'max_rows', 'sql', 0, MAX_SQL_ROWS) ?? DEFAULT_SQL_MAX_ROWS;
  return {
    connection,
    statements: statements as string[],
    bind,
    transaction: tx === true,
    ...(timeout !== undefined ? { statementTimeoutMs: Math.ceil(timeout * 1000) } : {}),
    maxRows: Math.floor(maxRows),
  };
}

/** Driver values → JSON: dates as ISO text, bytes as base64, big numbers as text. */
function jsonOf(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(jsonOf);
  if (typeof v === 'object') {
    const o: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) o[k] = jsonOf(x);
    return o;
  }
  return String(v);
}

/** A bind value as the driver takes it (MAPs and lists of maps go as JSON text). */
function driverValue(v: JsonValue): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return JSON.stringify(v);
  return v;
}

/** Server errors (syntax, constraint, permission on a table) are the step's; lost connections are the platform's. */
function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; fatal?: boolean };
  return (
    e?.fatal === true ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'PROTOCOL_CONNECTION_LOST'].includes(
      e?.code ?? '',
    ) ||
    /^(08|57P0[1-3])/.test(e?.code ?? '') // PostgreSQL connection exceptions and shutdowns
  );
}

async function runSql(job: SqlJob, ctx: JobContext): Promise<Record<string, JsonValue>> {
  const { session, dialect } = await ctx.settings.sql.session(job.connection);
  let statements: { text: string; values: unknown[] }[];
  try {
    statements = job.statements.map((text, i) => {
      const r = rewriteBinds(text, dialect);
      const missing = r.names.filter((n) => !Object.hasOwn(job.bind, n));
      if (missing.length > 0)
        throw new JobFailure(
          'FATAL',
          `statement ${i + 1} refers to :${missing[0]}, which param 'sql.bind' does not hold`,
        );
      return {
        text: `${attemptTag(ctx.attemptKey)} ${r.text}`,
        values: r.names.map((n) => driverValue(job.bind[n]!)),
      };
    });
  } catch (err) {
    session.release(false);
    throw err;
  }
  let broken = false;
  let running: Promise<StatementResult> | undefined;
  const cancelNow = () => {
    if (running) void session.cancel().catch(() => {});
  };
  ctx.signal.addEventListener('abort', cancelNow);
  try {
    if (job.transaction) await session.run('BEGIN', []);
    let affected = 0;
    let last: StatementResult | undefined;
    for (const [i, st] of statements.entries()) {
      if (ctx.signal.aborted) throw new JobFailure('USER', 'cancelled');
      const t0 = Date.now();
      ctx.log('stdout', `statement ${i + 1}/${statements.length}: ${oneLine(job.statements[i]!)}\n`);
      let timedOut = false;
      const timer =
        job.statementTimeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              void session.cancel().catch(() => {});
            }, job.statementTimeoutMs)
          : undefined;
      try {
        running = session.run(st.text, st.values);
        last = await running;
      } catch (err) {
        if (ctx.signal.aborted) throw new JobFailure('USER', 'cancelled');
        if (timedOut)
          throw new JobFailure(
            'USER',
            `statement ${i + 1} ran longer than ${job.statementTimeoutMs! / 1000} s (sql.statement_timeout) and was cancelled`,
          );
        if (isConnectionError(err)) {
          broken = true;
          throw new JobFailure(
            'PLATFORM',
            `connection '${job.connection}' failed during statement ${i + 1}: ${errorText(err)}`,
          );
        }
        throw new JobFailure('USER', `statement ${i + 1} failed: ${errorText(err)}`);
      } finally {
        running = undefined;
        if (timer) clearTimeout(timer);
      }
      affected += last.rowsAffected;
      ctx.log(
        'stdout',
        `  ${last.rows ? `${last.rows.length} rows` : `${last.rowsAffected} rows affected`} (${Date.now() - t0} ms)\n`,
      );
    }
    if (job.transaction) await session.run('COMMIT', []);
    return outputsOf(affected, last!, job.maxRows);
  } catch (err) {
    if (job.transaction && !broken) await session.run('ROLLBACK', []).catch(() => (broken = true));
    if (ctx.signal.aborted) broken = true; // a cancelled statement may still be winding down
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', cancelNow);
    session.release(broken);
  }
}

/**
 * rows_affected always; for a last statement that returned rows, also `columns`, `row_count`,
 * `first_row` (a MAP, handy for one-value queries) and `result`: a MAP holding `rows` (objects, at
 * most max_rows and MAX_SQL_ROWS_BYTES of JSON) and `truncated` (a param holds a list of objects
 * only inside a MAP).
 */
function outputsOf(affected: number, last: StatementResult, maxRows: number): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { rows_affected: affected };
  if (!last.rows) return out;
  let rows = last.rows.slice(0, maxRows).map((r) => jsonOf(r));
  let truncated = last.rows.length > rows.length;
  while (rows.length > 0 && JSON.stringify(rows).length > MAX_SQL_ROWS_BYTES) {
    rows = rows.slice(0, Math.floor(rows.length / 2));
    truncated = true;
  }
  out.columns = last.columns ?? [];
  out.row_count = last.rows.length;
  if (last.rows.length > 0) out.first_row = jsonOf(last.rows[0]);
  out.result = { rows, truncated };
  return out;
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

export const sqlJob: JobModule<SqlJob> = {
  type: 'SQL',
  prepare: prepareSql,
  run: runSql,
};

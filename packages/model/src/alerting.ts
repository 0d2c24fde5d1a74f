import { compileSchedule, isValidTimezone, nextFireTimes } from '@baton/schedule';
import { indexPath, keyPath } from './json-path';
import { type JsonObject, asArray, asObject, isObject, typeName } from './reader';
import { type Ctx, report } from './violations';

/**
 * What Baton reads of `properties.alerting` (Maestro's alerting block): where alerts go
 * (`webhooks`, Baton's), the run's completion deadline (`tct`, Maestro's time of completion:
 * `completed_by_hour` in `tz`, `duration_minutes` or `completed_by_ts`; Baton adds
 * `duration_seconds`), and how long a step attempt may run before it is reported (`long_running`,
 * Baton's: `duration_minutes` or `duration_seconds`). Maestro's other fields (emails, pagerduties,
 * slack_config, type_configs...) are kept and not delivered.
 */
export interface AlertingConfig {
  webhooks: string[];
  tct?: Tct;
  /** Milliseconds a step attempt may run before a LONG_RUNNING alert. */
  longRunningMs?: number;
}

export type Tct =
  | { kind: 'hour'; hour: number; tz: string }
  | { kind: 'duration'; ms: number }
  | { kind: 'timestamp'; at: number };

export const ALERTING_LIMITS = {
  maxWebhooks: 5,
  maxUrlLength: 2048,
  /** A deadline or a long-running bound: up to 30 days. */
  maxDurationSeconds: 30 * 86_400,
} as const;

/** Checks the fields Baton uses; returns the config (undefined when none is usable). */
export function parseAlerting(ctx: Ctx, path: string, obj: JsonObject): AlertingConfig | undefined {
  const cfg: AlertingConfig = { webhooks: [] };
  if (obj.webhooks !== undefined && obj.webhooks !== null) {
    const list = asArray(ctx, keyPath(path, 'webhooks'), obj.webhooks);
    if (list && list.length > ALERTING_LIMITS.maxWebhooks)
      report(
        ctx,
        keyPath(path, 'webhooks'),
        `at most ${ALERTING_LIMITS.maxWebhooks} webhooks, got ${list.length}`,
      );
    for (const [i, item] of (list ?? []).slice(0, ALERTING_LIMITS.maxWebhooks).entries()) {
      const at = indexPath(keyPath(path, 'webhooks'), i);
      const url = typeof item === 'string' ? item : isObject(item) ? item.url : undefined;
      const field = isObject(item) ? keyPath(at, 'url') : at;
      const problem = webhookProblem(url);
      if (problem) report(ctx, field, problem);
      else cfg.webhooks.push(url as string);
    }
  }
  if (obj.tct !== undefined && obj.tct !== null) {
    const tct = parseTct(ctx, keyPath(path, 'tct'), obj.tct);
    if (tct) cfg.tct = tct;
  }
  if (obj.long_running !== undefined && obj.long_running !== null) {
    const at = keyPath(path, 'long_running');
    const o = asObject(ctx, at, obj.long_running);
    const ms = o ? durationMs(ctx, at, o) : undefined;
    if (ms !== undefined) cfg.longRunningMs = ms;
    else if (o) report(ctx, at, 'needs duration_minutes or duration_seconds');
  }
  return cfg;
}

function webhookProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return `a webhook is a URL string or {"url": ...}, got ${typeName(url)}`;
  if (url.length > ALERTING_LIMITS.maxUrlLength)
    return `a webhook URL is at most ${ALERTING_LIMITS.maxUrlLength} characters`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `'${url.slice(0, 200)}' is not a URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'a webhook URL must be http or https';
  if (u.username || u.password) return 'a webhook URL may not carry credentials';
  return undefined;
}

/** duration_minutes or duration_seconds (one of them), as milliseconds. */
function durationMs(ctx: Ctx, path: string, o: JsonObject): number | undefined {
  const max = ALERTING_LIMITS.maxDurationSeconds;
  const read = (key: string, unit: number): number | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !(v > 0) || v * unit > max) {
      report(
        ctx,
        keyPath(path, key),
        `must be a number above 0 and at most ${max / unit}, got ${JSON.stringify(v)}`,
      );
      return undefined;
    }
    return v * unit * 1000;
  };
  const m = read('duration_minutes', 60);
  const s = read('duration_seconds', 1);
  if (m !== undefined && s !== undefined) {
    report(ctx, path, 'give duration_minutes or duration_seconds, not both');
    return undefined;
  }
  return m ?? s;
}

function parseTct(ctx: Ctx, path: string, v: unknown): Tct | undefined {
  const o = asObject(ctx, path, v);
  if (!o) return undefined;
  const forms: Tct[] = [];
  if (o.completed_by_hour !== undefined && o.completed_by_hour !== null) {
    const h = o.completed_by_hour;
    const tz = o.tz ?? 'UTC';
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > 23)
      report(
        ctx,
        keyPath(path, 'completed_by_hour'),
        `must be an hour from 0 to 23, got ${JSON.stringify(h)}`,
      );
    else if (typeof tz !== 'string' || !isValidTimezone(tz))
      report(ctx, keyPath(path, 'tz'), `unknown time zone ${JSON.stringify(tz)}`);
    else forms.push({ kind: 'hour', hour: h, tz });
  }
  const ms = durationMs(ctx, path, o);
  if (ms !== undefined) forms.push({ kind: 'duration', ms });
  if (o.completed_by_ts !== undefined && o.completed_by_ts !== null) {
    const at = o.completed_by_ts;
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at <= 0)
      report(ctx, keyPath(path, 'completed_by_ts'), `must be epoch milliseconds, got ${JSON.stringify(at)}`);
    else forms.push({ kind: 'timestamp', at });
  }
  if (forms.length > 1) {
    report(
      ctx,
      path,
      'give one of completed_by_hour, duration_minutes (or duration_seconds), completed_by_ts',
    );
    return undefined;
  }
  return forms[0];
}

/** When a run created at `createdAt` must have ended (epoch ms). */
export function tctDeadline(tct: Tct, createdAt: number): number {
  if (tct.kind === 'duration') return createdAt + tct.ms;
  if (tct.kind === 'timestamp') return tct.at;
  // The first `hour`:00 in the zone after the run began (that day's, or the next day's).
  const compiled = compileSchedule({ type: 'CRON', cron: `0 ${tct.hour} * * *`, timezone: tct.tz });
  if (!compiled.ok) return Number.POSITIVE_INFINITY;
  return nextFireTimes(compiled.schedule, createdAt, 1)[0] ?? Number.POSITIVE_INFINITY;
}

/** The alerting config in a workflow's merged properties JSON (Maestro's format), or undefined. */
export function alertingOf(properties: unknown): AlertingConfig | undefined {
  if (!isObject(properties)) return undefined;
  if (properties.alerting_disabled === true) return undefined;
  const a = properties.alerting;
  if (!isObject(a)) return undefined;
  const ctx: Ctx = { violations: [] };
  const cfg = parseAlerting(ctx, 'alerting', a);
  if (!cfg || (cfg.webhooks.length === 0 && !cfg.tct && cfg.longRunningMs === undefined)) return undefined;
  return cfg;
}

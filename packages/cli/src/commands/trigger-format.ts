import type { Backfill, GetTriggersResponse, SignalTriggerState, TimeTriggerState } from '@baton/proto';
import { formatFields, formatTime } from '../output/format-values';
import type { Style } from '../output/style';
import { formatTable } from '../output/table';

// Readable renderings of the trigger answers of SignalService (GetTriggers, Backfill,
// GetBackfill). Pure: response (+ style) in, text out.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (building one is slow); undefined for a zone this Node does not know. */
function formatterOf(timeZone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return undefined;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * `2024-03-10T03:00:00-07:00`: the instant as the wall clock of `timeZone` reads it, with
 * that zone's offset at that instant (so daylight saving shows). No zone, or one unknown
 * here, gives UTC (`…Z`).
 */
export function formatZoned(d: Date | undefined, timeZone: string): string {
  if (!d || Number.isNaN(d.getTime())) return '-';
  const f = timeZone && timeZone !== 'UTC' ? formatterOf(timeZone) : undefined;
  if (!f) return `${d.toISOString().slice(0, 19)}Z`;
  const part = Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
  const [y, mo, day, h, mi, s] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) =>
    Number(part[k]),
  );
  const wall = Date.UTC(y, mo - 1, day, h, mi, s);
  const offset = Math.round((wall - (d.getTime() - d.getUTCMilliseconds())) / 60_000);
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  return `${y}-${pad(mo)}-${pad(day)}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** `cron 0 3 * * *`, `@daily`, `every 1h from 2024-01-01T00:00:00Z`, with a fuzzy delay; else the JSON. */
export function timeScheduleText(definitionJson: string): string {
  const d = parseJson(definitionJson);
  const type = String(d?.type ?? '').toUpperCase();
  let text: string;
  if (type === 'CRON' && typeof d?.cron === 'string') text = `cron ${d.cron}`;
  else if (type === 'PREDEFINED' && typeof d?.expression === 'string')
    text = `@${d.expression.replace(/^@/, '').toLowerCase()}`;
  else if (type === 'INTERVAL' && d?.interval !== undefined)
    text = `every ${String(d.interval)}${d.start ? ` from ${String(d.start)}` : ''}`;
  else return definitionJson || '?';
  const fuzzy = d?.fuzzy_max_delay;
  return fuzzy === undefined || fuzzy === null ? text : `${text}, fuzzy delay up to ${String(fuzzy)}`;
}

/** The signals a signal trigger joins, each with its static match params: `a {date >= 1}, b` and join keys. */
export function signalJoinText(definitionJson: string): string {
  const d = parseJson(definitionJson);
  const defs = d?.definitions;
  if (typeof defs !== 'object' || defs === null) return definitionJson || '?';
  const names = Object.entries(defs as Record<string, Record<string, unknown> | null>).map(
    ([name, entry]) => {
      const match = entry?.match_params as
        | Record<string, { value?: unknown; operator?: unknown }>
        | undefined;
      const filters = Object.entries(match ?? {}).map(
        ([p, m]) => `${p} ${String(m?.operator ?? '=')} ${JSON.stringify(m?.value)}`,
      );
      return filters.length > 0 ? `${name} {${filters.join(', ')}}` : name;
    },
  );
  const first = Object.values(defs as Record<string, { join_keys?: unknown } | null>)[0];
  const keys = Array.isArray(first?.join_keys) ? first.join_keys : [];
  const condition = typeof d?.condition === 'string' ? ` when ${d.condition}` : '';
  return `${names.join(' + ')}${keys.length > 0 ? ` on ${keys.join(', ')}` : ''}${condition}`;
}

function timeTriggerLines(t: TimeTriggerState, s: Style): string[] {
  const zone = t.timezone || 'UTC';
  const lines = [`  ${s.bold(t.triggerId)}  ${timeScheduleText(t.definitionJson)} ${s.dim(`(${zone})`)}`];
  lines.push(`    watermark  ${t.watermark ? formatZoned(t.watermark, zone) : s.dim('none yet')}`);
  if (t.nextFireTimes.length === 0) lines.push(`    next       ${s.dim('none')}`);
  t.nextFireTimes.forEach((at, i) => {
    lines.push(`    ${i === 0 ? 'next ' : '     '}      ${formatZoned(at, zone)}`);
  });
  return lines;
}

function signalTriggerLines(t: SignalTriggerState, s: Style): string[] {
  const lines = [`  ${s.bold(t.triggerId)}  joins ${signalJoinText(t.definitionJson)}`];
  const names = [...new Set([...Object.keys(t.cursors), ...Object.keys(t.pending)])].sort();
  if (names.length > 0) {
    const rows = names.map((n) => [n, t.cursors[n] ?? '0', t.pending[n] ?? '0']);
    const table = formatTable(
      [{ header: 'SIGNAL' }, { header: 'CURSOR', align: 'right' }, { header: 'PENDING', align: 'right' }],
      rows,
      s.dim,
    );
    lines.push(table.replace(/^/gm, '    '));
  }
  lines.push(`    fired ${t.fired} run${t.fired === '1' ? '' : 's'}`);
  return lines;
}

/** `baton triggers`: the active version's time and signal triggers, their state and next fire times. */
export function formatTriggers(r: GetTriggersResponse, s: Style): string {
  const active = r.activeVersion !== '0' && r.activeVersion !== '';
  const head = `${s.bold(r.workflowId)}  ${
    active ? `active version ${r.activeVersion}` : s.yellow('no active version: no trigger fires')
  }${r.catchUp ? s.dim(`  catch-up ${r.catchUp}`) : ''}`;
  const section = (what: string, count: number, disabled: boolean) => {
    const off = disabled ? `  ${s.yellow(`disabled: no ${what} trigger fires`)}` : '';
    return count === 0 ? `no ${what} triggers${off}` : `${what} triggers (${count})${off}`;
  };
  return [
    head,
    section('time', r.timeTriggers.length, r.timeTriggerDisabled),
    ...r.timeTriggers.flatMap((t) => timeTriggerLines(t, s)),
    section('signal', r.signalTriggers.length, r.signalTriggerDisabled),
    ...r.signalTriggers.flatMap((t) => signalTriggerLines(t, s)),
  ].join('\n');
}

/** `7 started, 5 ended of 10`. */
export function backfillProgress(b: Backfill): string {
  return `${b.started} started, ${b.ended} ended of ${b.total}`;
}

/** `backfill bf-1 of demo.wf (created): 10 fire times from … to …, 4 at a time`. */
export function formatBackfillCreated(b: Backfill | undefined, created: boolean, s: Style): string {
  if (!b) return 'no backfill in the response';
  const what = `backfill ${s.bold(b.backfillId)} of ${b.workflowId}${b.triggerId ? ` trigger ${b.triggerId}` : ''}`;
  const range = `${b.total} fire times from ${formatTime(b.from)} to ${formatTime(b.to)}, ${b.concurrency} at a time`;
  return created
    ? `created ${what}: ${range}`
    : `${what} already exists: ${range}; ${backfillProgress(b)} ${s.dim(`(${b.status})`)}`;
}

/** `baton backfill-status`: the backfill's range, settings and progress. */
export function formatBackfill(b: Backfill | undefined, s: Style): string {
  if (!b) return 'no backfill in the response';
  return [
    `${s.bold(`backfill ${b.backfillId}`)}  ${b.status === 'DONE' ? s.green(b.status) : s.cyan(b.status)}`,
    formatFields([
      ['workflow', b.workflowId],
      ['trigger', b.triggerId || undefined],
      ['from', formatTime(b.from)],
      ['to', formatTime(b.to)],
      ['concurrency', String(b.concurrency)],
      ['progress', backfillProgress(b)],
      ['created', formatTime(b.createdAt)],
    ]),
  ].join('\n');
}

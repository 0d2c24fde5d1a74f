import type {
  GetRunLineageResponse,
  Initiator,
  GetSignalLineageResponse,
  LineageLink,
  ParamFilter,
  ParamValue,
  PublishSignalResponse,
  Signal,
  SignalDependencyState,
  SignalRef,
  StepRunSummary,
} from '@baton/proto';
import { formatFields, formatTime } from '../output/format-values';
import type { Style } from '../output/style';
import { type Column, formatTable } from '../output/table';
import { paramLines, paramText } from './param-text';
import { WAITING_FOR_SIGNALS } from './step-status';

// Readable renderings of SignalService answers (signals and lineage), and of the signal
// references other answers carry. Pure: response (+ style) in, text out.

/** `table_ready #12`. */
export function signalRefText(ref: { name: string; seq: string } | undefined): string {
  return ref ? `${ref.name} #${ref.seq}` : '?';
}

/** `date=20240101, region="eu"` (sorted by name; `-` without params). */
export function signalParamsText(params: Record<string, ParamValue> | undefined): string {
  const names = Object.keys(params ?? {}).sort();
  if (names.length === 0) return '-';
  return names.map((n) => `${n}=${paramText(params?.[n])}`).join(', ');
}

/** `{date = 20240101, hour >= 3}`; empty without filters. */
export function filtersText(filters: readonly ParamFilter[]): string {
  if (filters.length === 0) return '';
  return `{${filters.map((f) => `${f.param} ${f.operator} ${paramText(f.value)}`).join(', ')}}`;
}

/** `table_ready {date = 20240101}`: a signal name with the filters a match must pass. */
export function wantedText(name: string, filters: readonly ParamFilter[]): string {
  const f = filtersText(filters);
  return f ? `${name} ${f}` : name;
}

/** `published table_ready #13`, or for a repeated request id the first publish's seq. */
export function formatPublish(r: PublishSignalResponse, s: Style, requestId: string): string {
  return r.created
    ? `published ${s.bold(r.name)} #${r.seq}`
    : `${s.bold(r.name)} #${r.seq} already published ${s.dim(`(request id ${requestId})`)}`;
}

/** `demo.wf instance 7 run 1 step publish` (a run's or a step's address). */
export function runText(workflowId: string, instanceId: string, runId: string, stepId = ''): string {
  return `${workflowId} instance ${instanceId} run ${runId}${stepId ? ` step ${stepId}` : ''}`;
}

/** `baton signal get`: name and seq, when, who published it, params and the payload. */
export function formatSignal(sig: Signal | undefined, s: Style): string {
  if (!sig) return 'no signal in the response';
  const p = sig.producer;
  const parts = [
    s.bold(signalRefText(sig)),
    formatFields([
      ['created', formatTime(sig.createdAt)],
      ['request id', sig.requestId || undefined],
      ['producer', p?.workflowId ? runText(p.workflowId, p.instanceId, p.runId, p.stepId) : undefined],
    ]),
  ];
  const params = paramLines(sig.params);
  parts.push(params ? `params\n${params}` : `params  ${s.dim('none')}`);
  if (sig.payload !== undefined) {
    parts.push(`payload\n${JSON.stringify(sig.payload, null, 2).replace(/^/gm, '  ')}`);
  }
  return parts.join('\n');
}

export const SIGNAL_COLUMNS: Column[] = [
  { header: 'SEQ', align: 'right' },
  { header: 'CREATED' },
  { header: 'PARAMS' },
  { header: 'REQUEST ID', wide: true },
  { header: 'PRODUCER', wide: true },
];

export function signalRow(sig: Signal): string[] {
  const p = sig.producer;
  return [
    sig.seq,
    formatTime(sig.createdAt),
    signalParamsText(sig.params),
    sig.requestId || '-',
    p?.workflowId ? `${p.workflowId}/${p.instanceId}/${p.runId} ${p.stepId}` : '-',
  ];
}

const LINK_COLUMNS: Column[] = [
  { header: 'RELATION' },
  { header: 'SIGNAL' },
  { header: 'RUN' },
  { header: 'STEP' },
  { header: 'TIME' },
];

/** `demo.wf/7/1`: workflow/instance/run of a lineage link. */
function linkRun(l: LineageLink): string {
  return `${l.workflowId}/${l.instanceId}/${l.runId}`;
}

/** A table of lineage links (relation, signal, run, step, time), or `none`. */
export function formatLinks(links: readonly LineageLink[], s: Style): string {
  if (links.length === 0) return `  ${s.dim('none')}`;
  const rows = links.map((l) => [
    l.relation || '?',
    signalRefText(l.signal),
    linkRun(l),
    l.stepId || '-',
    formatTime(l.time),
  ]);
  return formatTable(LINK_COLUMNS, rows, s.dim).replace(/^/gm, '  ');
}

/** `baton lineage signal`: the signal (and who produced it), then the runs it started or satisfied. */
export function formatSignalLineage(r: GetSignalLineageResponse, s: Style): string {
  const sig = r.signal;
  const head = sig ? `${s.bold(signalRefText(sig))}  ${signalParamsText(sig.params)}` : s.bold('?');
  const p = sig?.producer;
  const from = p?.workflowId
    ? `produced by ${runText(p.workflowId, p.instanceId, p.runId, p.stepId)}`
    : 'published from outside a run';
  return [head, from, `runs it started or satisfied`, formatLinks(r.runs, s)].join('\n');
}

/** `baton lineage run`: the signals a run consumed (its trigger, its steps' dependencies) and produced. */
export function formatRunLineage(r: GetRunLineageResponse, title: string, s: Style): string {
  return [s.bold(title), 'consumed', formatLinks(r.consumed, s), 'produced', formatLinks(r.produced, s)].join(
    '\n',
  );
}

/** Signal references in a line: `table_ready #12, other #3`. */
export function signalRefsText(refs: readonly SignalRef[]): string {
  return refs.length === 0 ? '-' : refs.map(signalRefText).join(', ');
}

/** `waiting for signal a {x = 1}`, `✓ a #12` once matched, `↷ a {x = 1} (bypassed)`. */
export function dependencyText(d: SignalDependencyState, s: Style): string {
  if (d.matched) return `${s.green('✓')} ${signalRefText(d.matched)}`;
  if (d.bypassed) return `${s.yellow('↷')} ${wantedText(d.name, d.match)} ${s.dim('(bypassed)')}`;
  return `waiting for signal ${s.magenta(wantedText(d.name, d.match))}`;
}

/**
 * What a step has to do with signals: a step in WAITING_FOR_SIGNALS lists its
 * dependencies, a step that published signals lists them (`→ published a #13`).
 */
export function stepSignalLines(st: StepRunSummary, s: Style): string[] {
  const deps =
    st.status === WAITING_FOR_SIGNALS ? st.signalDependencies.map((d) => dependencyText(d, s)) : [];
  const outputs = st.signalOutputs.map((o) => `→ published ${signalRefText(o)}`);
  return [...deps, ...outputs];
}

/** A `signals` section, one block per step with signal lines, step ids padded; undefined if none. */
export function stepSignalsSection(steps: readonly StepRunSummary[], s: Style): string | undefined {
  const blocks = steps
    .map((st) => ({ id: st.stepId, lines: stepSignalLines(st, s) }))
    .filter((b) => b.lines.length);
  if (blocks.length === 0) return undefined;
  const width = Math.max(...blocks.map((b) => b.id.length));
  const body = blocks.flatMap((b) => b.lines.map((l, i) => `  ${(i === 0 ? b.id : '').padEnd(width)}  ${l}`));
  return `signals\n${body.join('\n')}`;
}

/** The watch view's note on a waiting step: `waiting for a {x = 1}, b (1 of 3 matched)`. */
export function waitingText(st: StepRunSummary): string {
  // Held back by the permit gate, or paused at a breakpoint: what it waits for.
  if (st.status === 'WAITING_FOR_PERMITS' && st.permitTag) return `waiting for a permit of ${st.permitTag}`;
  if (st.status === 'PAUSED' && st.breakpointId) return `paused at breakpoint ${st.breakpointId}`;
  if (st.status !== WAITING_FOR_SIGNALS || st.signalDependencies.length === 0) return '';
  const open = st.signalDependencies.filter((d) => !d.matched && !d.bypassed);
  const done = st.signalDependencies.length - open.length;
  const head =
    open.length > 0 ? `waiting for ${open.map((d) => wantedText(d.name, d.match)).join(', ')}` : 'waiting';
  return done > 0 ? `${head} (${done} of ${st.signalDependencies.length} matched)` : head;
}

/** baton.v1.InitiatorType by number (the CLI imports only types from @baton/proto). */
const TIME = 2;
const SIGNAL = 3;
const BACKFILL = 8;

/** `2024-03-10T09:00:00Z`. */
function isoSeconds(d: Date | undefined): string {
  return d && !Number.isNaN(d.getTime()) ? `${d.toISOString().slice(0, 19)}Z` : '?';
}

/**
 * How a trigger started a run: `started by time trigger t for 2024-03-10T09:00:00Z
 * (America/Los_Angeles)`, `started by signal trigger t: a #12, b #3`, or `started by backfill
 * b …`; undefined for any other initiator (a user, a parent step).
 */
export function initiatorLine(i: Initiator | undefined): string | undefined {
  if (!i) return undefined;
  const zone = i.timezone ? ` (${i.timezone})` : '';
  const id = i.triggerId || i.name || '?';
  switch (i.type) {
    case TIME:
      return `started by time trigger ${id} for ${isoSeconds(i.triggerTime)}${zone}`;
    case SIGNAL:
      return `started by signal trigger ${id}: ${signalRefsText(i.signals)}`;
    case BACKFILL: {
      const of = i.name && i.name !== id ? ` of time trigger ${i.name}` : '';
      return `started by backfill ${id}${of} for ${isoSeconds(i.triggerTime)}${zone}`;
    }
    default:
      return undefined;
  }
}

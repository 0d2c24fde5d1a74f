import type {
  GetRunLineageResponse,
  GetSignalLineageResponse,
  LineageLink,
  ParamFilter,
  ParamValue,
  PublishSignalResponse,
  Signal,
  SignalRef,
} from '@baton/proto';
import { formatFields, formatTime } from '../output/format-values';
import type { Style } from '../output/style';
import { type Column, formatTable } from '../output/table';
import { paramLines, paramText } from './param-text';

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
];

export function signalRow(sig: Signal): string[] {
  return [sig.seq, formatTime(sig.createdAt), signalParamsText(sig.params)];
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

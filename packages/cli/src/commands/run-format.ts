import type {
  GetInstanceResponse,
  Instance,
  InstanceRef,
  RestartInstanceResponse,
  StartWorkflowResponse,
  StepRunSummary,
  TimelineEntry,
} from '@baton/proto';
import { formatFields, formatTime, listOrDash } from '../output/format-values';
import type { Style } from '../output/style';
import type { Column } from '../output/table';
import { paramLines } from './param-text';
import { initiatorLine, stepSignalsSection, waitingText } from './signal-format';
import { colorStatus } from './step-status';
import { elapsedOf, formatDuration, instanceTitle, progressOf } from './watch-view';

// Readable renderings of SchedulerService responses. Pure: response (+ style) in, text out.

export function refText(ref: InstanceRef | undefined): string {
  return `${ref?.workflowId ?? '?'} instance ${ref?.instanceId ?? '?'} run ${ref?.runId ?? '?'}`;
}

export function formatStart(r: StartWorkflowResponse, s: Style): string {
  const what = `${s.bold(r.workflowId)} instance ${r.instanceId} run ${r.runId}`;
  const detail = s.dim(`(version ${r.workflowVersion}, ${r.status})`);
  return r.created ? `started ${what} ${detail}` : `already started ${what} ${detail} (same request id)`;
}

export function formatRestart(r: RestartInstanceResponse, s: Style): string {
  return `restarted ${s.bold(refText(r.ref))} ${s.dim(`(${r.status})`)}`;
}

/** baton.v1.InitiatorType by number (the CLI imports only types from @baton/proto, which it does not depend on). */
const INITIATOR_TYPES = [
  '',
  'MANUAL',
  'TIME',
  'SIGNAL',
  'SUBWORKFLOW',
  'FOREACH',
  'WHILE',
  'RESTART',
  'BACKFILL',
];

function initiatorText(inst: Instance): string | undefined {
  const i = inst.initiator;
  if (!i?.type) return i?.name || undefined;
  const type = INITIATOR_TYPES[i.type] || String(i.type);
  return i.name ? `${type} (${i.name})` : type;
}

/** `SUCCEEDED 3, RUNNING 1` from step_counts, biggest first. */
export function countsText(counts: Record<string, string>): string {
  const entries = Object.entries(counts).filter(([, n]) => n !== '0');
  if (entries.length === 0) return '-';
  return entries
    .sort((a, b) => Number(b[1]) - Number(a[1]) || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export function timelineLine(e: TimelineEntry, s: Style): string {
  const what = e.stepId ? e.stepId : s.dim('(run)');
  return `  ${s.dim(formatTime(e.time))}  ${what}  ${colorStatus(e.status, s)(e.status)}${
    e.message ? `  ${e.message}` : ''
  }`;
}

/**
 * `baton status`: the run's status, the trigger that started it, times, params, step counts,
 * the steps' signals (awaited, matched, published) and the last timeline entries.
 */
export function formatStatus(
  r: GetInstanceResponse,
  s: Style,
  opts: { now: number; timeline: number },
): string {
  const inst = r.instance;
  if (!inst) return 'no instance in the response';
  const elapsed = elapsedOf(inst, opts.now);
  const { done, total } = progressOf(inst);
  const head = `${s.bold(instanceTitle(inst))}  ${colorStatus(inst.status, s)(inst.status)}`;
  const started = initiatorLine(inst.initiator);
  const fields = formatFields([
    ['version', inst.workflowVersion],
    ['initiator', started ? undefined : initiatorText(inst)],
    ['created', formatTime(inst.createdAt)],
    ['started', inst.startedAt ? formatTime(inst.startedAt) : undefined],
    ['ended', inst.endedAt ? formatTime(inst.endedAt) : undefined],
    [inst.endedAt ? 'took' : 'elapsed', elapsed === undefined ? undefined : formatDuration(elapsed)],
    ['parent', inst.parent?.workflowId ? `${refText(inst.parent)} step ${inst.parentStepId}` : undefined],
    ['steps', `${done}/${total} done; ${countsText(inst.stepCounts)}`],
    ['error', inst.error ? s.red(inst.error) : undefined],
  ]);
  const parts = started ? [head, started, fields] : [head, fields];
  const params = paramLines(inst.params, inst.omittedParams);
  if (params) parts.push(`params\n${params}`);
  const signals = stepSignalsSection(inst.steps, s);
  if (signals) parts.push(signals);
  if (opts.timeline > 0 && inst.timeline.length > 0) {
    const shown = inst.timeline.slice(-opts.timeline);
    const more = inst.timeline.length - shown.length;
    parts.push(
      `timeline${more > 0 ? s.dim(` (last ${shown.length} of ${inst.timeline.length})`) : ''}\n${shown
        .map((e) => timelineLine(e, s))
        .join('\n')}`,
    );
  }
  return parts.join('\n');
}

export const STEP_COLUMNS: Column[] = [
  { header: 'STEP' },
  { header: 'TYPE' },
  { header: 'STATUS' },
  { header: 'ATTEMPTS', align: 'right' },
  { header: 'STARTED' },
  { header: 'ENDED' },
  { header: 'ERROR' },
  { header: 'CHILD', wide: true },
  { header: 'OUTPUTS', wide: true },
];

export function stepRow(st: StepRunSummary): string[] {
  return [
    st.stepId,
    st.stepType || '-',
    st.status,
    String(st.attempts),
    formatTime(st.startedAt),
    formatTime(st.endedAt),
    st.error ? st.error.replace(/\s*\n\s*/g, ' ') : waitingText(st),
    st.child ? `${st.child.workflowId}/${st.child.instanceId}/${st.child.runId}` : '-',
    listOrDash(Object.keys(st.outputs).sort()),
  ];
}

export const INSTANCE_COLUMNS: Column[] = [
  { header: 'INSTANCE', align: 'right' },
  { header: 'RUN', align: 'right' },
  { header: 'VERSION', align: 'right' },
  { header: 'STATUS' },
  { header: 'STEPS', align: 'right' },
  { header: 'STARTED' },
  { header: 'TOOK', align: 'right' },
  { header: 'INITIATOR' },
  { header: 'CREATED', wide: true },
  { header: 'ENDED', wide: true },
];

export function instanceRow(inst: Instance, now: number): string[] {
  const { done, total } = progressOf(inst);
  const elapsed = elapsedOf(inst, now);
  return [
    inst.ref?.instanceId ?? '?',
    inst.ref?.runId ?? '?',
    inst.workflowVersion,
    inst.status,
    `${done}/${total}`,
    formatTime(inst.startedAt ?? inst.createdAt),
    elapsed === undefined ? '-' : formatDuration(elapsed),
    initiatorText(inst) ?? '-',
    formatTime(inst.createdAt),
    formatTime(inst.endedAt),
  ];
}

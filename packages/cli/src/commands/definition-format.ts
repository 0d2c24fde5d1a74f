import type {
  ActivateVersionResponse,
  DeactivateWorkflowResponse,
  DeleteWorkflowResponse,
  GetWorkflowResponse,
  Properties,
  PushWorkflowResponse,
  ValidateWorkflowResponse,
  WorkflowSummary,
  WorkflowVersion,
} from '@baton/proto';
import { formatFields, formatTime, listOrDash, versionOrNone } from '../output/format-values';
import type { Style } from '../output/style';
import type { Column } from '../output/table';

// Readable renderings of DefinitionService responses. Pure: response (+ style) in, text out.

export function formatPush(r: PushWorkflowResponse, s: Style): string {
  const state = r.created ? s.green('(new)') : s.dim('(unchanged)');
  return `pushed ${s.bold(r.workflowId)} version ${r.version} ${state}: ${r.stepCount} steps, active version ${versionOrNone(r.activeVersion)}`;
}

export function formatValidate(r: ValidateWorkflowResponse, s: Style): string {
  const outcome = r.created
    ? `a push would create version ${r.version}`
    : `identical to version ${r.version}`;
  return `${s.green('valid')}: ${s.bold(r.workflowId)}, ${r.stepCount} steps; ${outcome}`;
}

export function formatProperties(p: Properties | undefined): Array<[string, string | undefined]> {
  if (!p) return [];
  const rs = p.runStrategy;
  const strategy = rs
    ? `${rs.rule || '-'}${rs.workflowConcurrency ? ` (workflow concurrency ${rs.workflowConcurrency})` : ''}`
    : undefined;
  return [
    ['owner', p.owner || '-'],
    ['run strategy', strategy],
    ['step concurrency', p.stepConcurrency ? String(p.stepConcurrency) : 'unlimited'],
    ['tags', listOrDash(p.tags)],
    ['triggers', triggers(p)],
    [
      'properties',
      `snapshot ${p.snapshot}, updated ${formatTime(p.updatedAt)}${p.updatedBy ? ` by ${p.updatedBy}` : ''}`,
    ],
  ];
}

function triggers(p: Properties): string | undefined {
  const off = [p.timeTriggerDisabled && 'time', p.signalTriggerDisabled && 'signal'].filter(Boolean);
  return off.length ? `${off.join(' and ')} triggers disabled` : undefined;
}

/** Summary fields, a blank line, then the definition pretty-printed. */
export function formatGet(r: GetWorkflowResponse, s: Style): string {
  const w = r.workflow;
  if (!w) return 'no workflow in the response';
  const head = `${s.bold(w.workflowId)} version ${w.version}${w.active ? ` ${s.green('(active)')}` : ''}`;
  const fields = formatFields([
    ['name', w.name],
    ['description', w.description],
    ['steps', String(w.stepCount)],
    ['created', `${formatTime(w.createdAt)}${w.createdBy ? ` by ${w.createdBy}` : ''}`],
    ['digest', w.digest],
    ...formatProperties(r.properties),
  ]);
  return `${head}\n${fields}\n\n${prettyJson(w.definitionJson)}`;
}

/** The definition as stored, re-indented; text that is not JSON is shown as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const WORKFLOW_COLUMNS: Column[] = [
  { header: 'WORKFLOW' },
  { header: 'NAME' },
  { header: 'OWNER' },
  { header: 'LATEST', align: 'right' },
  { header: 'ACTIVE', align: 'right' },
  { header: 'TAGS' },
  { header: 'UPDATED' },
  { header: 'CREATED', wide: true },
];

export function workflowRow(w: WorkflowSummary): string[] {
  return [
    w.workflowId,
    w.name || '-',
    w.owner || '-',
    w.latestVersion,
    w.activeVersion === '0' ? '-' : w.activeVersion,
    listOrDash(w.tags),
    formatTime(w.updatedAt),
    formatTime(w.createdAt),
  ];
}

export const VERSION_COLUMNS: Column[] = [
  { header: 'VERSION', align: 'right' },
  { header: 'ACTIVE' },
  { header: 'STEPS', align: 'right' },
  { header: 'CREATED' },
  { header: 'BY' },
  { header: 'DIGEST' },
  { header: 'NAME', wide: true },
  { header: 'DESCRIPTION', wide: true },
];

export function versionRow(v: WorkflowVersion): string[] {
  return [
    v.version,
    v.active ? 'yes' : '',
    String(v.stepCount),
    formatTime(v.createdAt),
    v.createdBy || '-',
    v.digest.length > 19 ? `${v.digest.slice(0, 19)}…` : v.digest,
    v.name || '-',
    v.description ? v.description.replace(/\s*\n\s*/g, ' ') : '-',
  ];
}

export function formatActivate(r: ActivateVersionResponse, s: Style): string {
  if (!r.changed) return `${s.bold(r.workflowId)} version ${r.activeVersion} was already active`;
  return `activated ${s.bold(r.workflowId)} version ${r.activeVersion} (previously ${versionOrNone(r.previousActiveVersion)})`;
}

export function formatDeactivate(r: DeactivateWorkflowResponse, s: Style): string {
  if (!r.changed) return `${s.bold(r.workflowId)} had no active version`;
  return `deactivated ${s.bold(r.workflowId)} (was version ${r.previousActiveVersion})`;
}

export function formatDelete(r: DeleteWorkflowResponse, s: Style): string {
  const n = r.deletedVersions;
  return `deleted ${s.bold(r.workflowId)} (${n} version${n === '1' ? '' : 's'})`;
}

export function formatPropertiesUpdate(workflowId: string, p: Properties | undefined, s: Style): string {
  return `updated properties of ${s.bold(workflowId)}: snapshot ${p?.snapshot ?? '?'}\n${formatFields(formatProperties(p))}`;
}

import type {
  Instance,
  ParamValue,
  SignalRef as ApiSignalRef,
  StepRun,
  StepRunSummary,
  TimelineEntry as ApiTimelineEntry,
} from '@baton/proto';
import { InitiatorType } from '@baton/proto';
import type { StepDef } from '@baton/model';
import {
  type InstanceSnapshot,
  type SignalRef,
  type StepState,
  type TimelineEntry,
  childKeyOf,
  leafCounts,
} from '../domain';
import type { LoadedRun } from '../app/scheduler-app';
import { toApiInitiator } from './initiator-mapping';
import { toApiParams } from './param-mapping';

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

export function toApiTimeline(entries: TimelineEntry[]): ApiTimelineEntry[] {
  return entries.map((e) => ({
    time: new Date(e.time),
    stepId: e.stepId ?? '',
    status: e.status,
    message: e.attempt ? `attempt ${e.attempt}${e.message ? `: ${e.message}` : ''}` : (e.message ?? ''),
  }));
}

function stepType(def: StepDef | undefined): string {
  if (!def) return '';
  return def.kind === 'step' ? def.type : def.kind.toUpperCase();
}

export function toStepSummary(
  s: StepState,
  def: StepDef | undefined,
  snap: InstanceSnapshot,
): StepRunSummary {
  const iterationCounts: Record<string, string> = {};
  if (s.child) {
    iterationCounts.total = String(s.child.total);
    iterationCounts.launched = String(s.child.next);
    iterationCounts.running = String(s.child.running.length);
    iterationCounts.succeeded = String(s.child.succeeded);
    iterationCounts.failed = String(s.child.failed);
    iterationCounts.stopped = String(s.child.stopped);
  }
  const childKey = s.child?.kind === 'subworkflow' && s.child.started ? childKeyOf(snap.key, s.id, 0) : '';
  const childRef = childKey
    ? { workflowId: childKey, instanceId: String(snap.instanceId), runId: String(snap.runId) }
    : undefined;
  return {
    stepId: s.id,
    stepType: stepType(def),
    // An attempt the permit gate holds back is dispatched (STARTING) but waits like a queued step.
    status: s.permitTag !== undefined ? 'WAITING_FOR_PERMITS' : s.status,
    permitTag: s.permitTag ?? '',
    breakpointId: s.breakpoint ?? '',
    attempts: s.attempts.length,
    startedAt: date(s.startedAt),
    endedAt: date(s.endedAt),
    outputs: toApiParams(s.outputs),
    error: s.message ?? '',
    iterationCounts,
    child: childRef,
    childKey,
    signalDependencies: (s.signals?.deps ?? []).map((dep, k) => ({
      name: dep.name,
      match: dep.match.map((m) => ({ param: m.param, operator: m.operator, value: apiValue(m.value) })),
      matched: s.signals?.matched[k] ? apiSignal(s.signals.matched[k]!) : undefined,
      bypassed: s.signals?.bypassed === true && !s.signals.matched[k],
    })),
    signalOutputs: (s.published ?? []).map(apiSignal),
    omittedOutputs: [],
  };
}

/** How a child instance was started: by a subworkflow, foreach or while step of its parent. */
function childKind(run: LoadedRun, defs: Map<string, StepDef>): InitiatorType | undefined {
  const { head, snapshot } = run;
  if (!snapshot.parent) return undefined;
  if (head.run.kind === 'subworkflow') return InitiatorType.INITIATOR_TYPE_SUBWORKFLOW;
  // An iteration runs the nested steps of its parent's loop step, in the same definition.
  return defs.get(snapshot.parent.stepId)?.kind === 'while'
    ? InitiatorType.INITIATOR_TYPE_WHILE
    : InitiatorType.INITIATOR_TYPE_FOREACH;
}

/** The API view of a run: status, params, steps, timeline, counts. */
export function toApiInstance(run: LoadedRun, defs: Map<string, StepDef>): Instance {
  const { head, snapshot: s } = run;
  const counts: Record<string, string> = {};
  for (const [status, n] of Object.entries(leafCounts(s, (id) => defs.get(id)))) counts[status] = String(n);
  return {
    ref: { workflowId: s.workflowId, instanceId: String(s.instanceId), runId: String(s.runId) },
    workflowVersion: String(head.workflow_version),
    status: s.status,
    params: toApiParams(s.params),
    steps: s.steps.map((st) => toStepSummary(st, defs.get(st.id), s)),
    timeline: toApiTimeline(head.timeline),
    stepCounts: counts,
    initiator: toApiInitiator(s.initiator, s.trigger, childKind(run, defs)),
    createdAt: date(s.createdAt),
    startedAt: date(s.startedAt),
    endedAt: date(s.endedAt),
    parent: s.parent
      ? { workflowId: s.parent.workflowId, instanceId: String(s.instanceId), runId: String(s.runId) }
      : undefined,
    parentStepId: s.parent?.stepId ?? '',
    error: s.message ?? '',
    key: s.key,
    parentKey: s.parent?.key ?? '',
    omittedParams: [],
  };
}

export function toApiStepRun(run: LoadedRun, step: StepState, def: StepDef | undefined): StepRun {
  const s = run.snapshot;
  return {
    ref: { workflowId: s.workflowId, instanceId: String(s.instanceId), runId: String(s.runId) },
    summary: toStepSummary(step, def, s),
    params: toApiParams(step.params),
    attempts: step.attempts.map((a) => ({
      attemptId: a.attempt,
      attemptKey: a.key,
      status: a.status,
      errorKind: errorKind(a.status),
      error: a.message ?? '',
      startedAt: date(a.startedAt ?? a.createdAt),
      endedAt: date(a.endedAt),
      worker: a.worker ?? '',
      outputs: {},
    })),
    timeline: toApiTimeline(run.head.timeline.filter((e) => e.stepId === step.id)),
    omittedParams: [],
  };
}

function errorKind(status: string): string {
  if (status === 'USER_FAILED' || status === 'FATALLY_FAILED') return 'USER';
  if (status === 'PLATFORM_FAILED') return 'PLATFORM';
  if (status === 'TIMED_OUT') return 'TIMEOUT';
  return '';
}

function apiValue(v: { type: 'LONG' | 'STRING'; value: string }): ParamValue {
  return v.type === 'LONG'
    ? { kind: { $case: 'longValue', value: v.value } }
    : { kind: { $case: 'stringValue', value: v.value } };
}

function apiSignal(r: SignalRef): ApiSignalRef {
  return {
    name: r.name,
    seq: String(r.seq),
    params: Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, apiValue(v)])),
  };
}

import { type Properties as ModelProperties, propertiesToJson } from '@baton/model';
import type { Properties, WorkflowSummary, WorkflowTriggers, WorkflowVersion } from '@baton/proto';
import type { SnapshotDoc, VersionDoc, WorkflowDoc } from '../store/documents';

export function toVersion(v: VersionDoc, activeVersion: number, withDefinition: boolean): WorkflowVersion {
  return {
    workflowId: v.workflow_id,
    version: String(v.version),
    name: v.name,
    description: v.description,
    definitionJson: withDefinition ? v.definition_json : '',
    stepCount: v.step_count,
    active: v.version === activeVersion,
    createdAt: v.created_at,
    createdBy: v.created_by,
    digest: v.digest,
  };
}

export function toProperties(s: SnapshotDoc | null): Properties | undefined {
  if (!s) return undefined;
  const p = JSON.parse(s.properties_json) as ModelProperties;
  return {
    snapshot: String(s.snapshot),
    owner: p.owner?.name ?? '',
    runStrategy: p.runStrategy
      ? { rule: p.runStrategy.rule, workflowConcurrency: p.runStrategy.workflowConcurrency ?? 0 }
      : { rule: 'SEQUENTIAL', workflowConcurrency: 1 },
    stepConcurrency: p.stepConcurrency ?? 0,
    tags: (p.tags ?? []).map((t) => t.name),
    description: p.description ?? '',
    timeTriggerDisabled: p.timeTriggerDisabled ?? false,
    signalTriggerDisabled: p.signalTriggerDisabled ?? false,
    propertiesJson: JSON.stringify(propertiesToJson(p)),
    updatedAt: s.updated_at,
    updatedBy: s.updated_by,
  };
}

export function toSummary(w: WorkflowDoc): WorkflowSummary {
  return {
    workflowId: w._id,
    name: w.name,
    owner: w.owner,
    tags: w.tags,
    latestVersion: String(w.latest_version),
    activeVersion: String(w.active_version),
    createdAt: w.created_at,
    updatedAt: w.updated_at,
  };
}

export function toTriggers(w: WorkflowDoc): WorkflowTriggers {
  return {
    workflowId: w._id,
    activeVersion: String(w.active_version ?? 0),
    timeTriggersJson: w.time_triggers_json ?? '',
    signalTriggersJson: w.signal_triggers_json ?? '',
    timeTriggerDisabled: w.time_trigger_disabled ?? false,
    signalTriggerDisabled: w.signal_trigger_disabled ?? false,
    catchUpJson: w.catch_up_json ?? '',
    changedAt: w.triggers_changed_at ?? w.updated_at,
  };
}

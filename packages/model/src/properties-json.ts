import { catchUpToJson } from './catch-up';
import type { Properties } from './properties';
import type { Tag } from './tags';

/**
 * Writes properties back in Maestro's JSON shape (snake_case; owner as a string unless it has extra
 * fields; run strategy as an object), e.g. to store a merged snapshot.
 */
export function propertiesToJson(p: Properties): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.owner) out.owner = p.owner.extraInfo ? { name: p.owner.name, ...p.owner.extraInfo } : p.owner.name;
  if (p.accessControl) out.access_control = p.accessControl;
  if (p.runStrategy) {
    out.run_strategy =
      p.runStrategy.workflowConcurrency === undefined
        ? { rule: p.runStrategy.rule }
        : { rule: p.runStrategy.rule, workflow_concurrency: p.runStrategy.workflowConcurrency };
  }
  if (p.stepConcurrency !== undefined) out.step_concurrency = p.stepConcurrency;
  if (p.alerting) out.alerting = p.alerting;
  if (p.alertingDisabled !== undefined) out.alerting_disabled = p.alertingDisabled;
  if (p.signalTriggerDisabled !== undefined) out.signal_trigger_disabled = p.signalTriggerDisabled;
  if (p.timeTriggerDisabled !== undefined) out.time_trigger_disabled = p.timeTriggerDisabled;
  if (p.timeTriggerCatchUp) out.time_trigger_catch_up = catchUpToJson(p.timeTriggerCatchUp);
  if (p.description !== undefined) out.description = p.description;
  if (p.tags) out.tags = p.tags.map(tagToJson);
  return out;
}

function tagToJson(t: Tag): Record<string, unknown> {
  return { ...t.attributes, name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}) };
}

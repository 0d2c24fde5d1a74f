import type { Properties } from './properties';

const FIELDS = [
  'owner',
  'accessControl',
  'runStrategy',
  'stepConcurrency',
  'alerting',
  'alertingDisabled',
  'signalTriggerDisabled',
  'timeTriggerDisabled',
  'timeTriggerCatchUp',
  'description',
  'tags',
] as const satisfies readonly (keyof Properties)[];

/**
 * Applies a properties change onto the previous snapshot, as Maestro does: each field set in the
 * update replaces the previous one whole (no deep merge; tags replace tags); unset fields carry
 * over. With no previous snapshot the update is the snapshot.
 */
export function mergeProperties(previous: Properties | undefined, update: Properties): Properties {
  if (!previous) return { ...update };
  const merged: Properties = {};
  for (const field of FIELDS) {
    const value = update[field] !== undefined ? update[field] : previous[field];
    if (value !== undefined) (merged as Record<string, unknown>)[field] = value;
  }
  return merged;
}

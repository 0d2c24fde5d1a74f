import { createHash } from 'node:crypto';
import { type Properties, catchUpToJson } from '@baton/model';

/**
 * What the signal service needs of a workflow to fire its triggers: the active version's
 * `time_triggers` and `signal_triggers` as pushed (JSON text), the disable flags and the catch-up
 * property. `digest` tells a real change from a rewrite of the same triggers, so `changed_at` moves
 * only when something that fires changed.
 */
export interface TriggerView {
  active_version: number;
  time_triggers_json: string;
  signal_triggers_json: string;
  time_trigger_disabled: boolean;
  signal_trigger_disabled: boolean;
  catch_up_json: string;
  has_triggers: boolean;
  trigger_digest: string;
}

/** The view of the active version (`definitionJson` = its `workflow` object as stored; '' when none). */
export function triggerView(
  activeVersion: number,
  definitionJson: string,
  properties: Properties | undefined,
): TriggerView {
  const source = definitionJson ? (JSON.parse(definitionJson) as Record<string, unknown>) : {};
  const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? JSON.stringify(v) : '');
  const time = activeVersion > 0 ? list(source.time_triggers) : '';
  const signal = activeVersion > 0 ? list(source.signal_triggers) : '';
  const view = {
    active_version: activeVersion,
    time_triggers_json: time,
    signal_triggers_json: signal,
    time_trigger_disabled: properties?.timeTriggerDisabled ?? false,
    signal_trigger_disabled: properties?.signalTriggerDisabled ?? false,
    catch_up_json: properties?.timeTriggerCatchUp
      ? JSON.stringify(catchUpToJson(properties.timeTriggerCatchUp))
      : '',
    has_triggers: time !== '' || signal !== '',
  };
  // The active version number is not part of the digest: activating a version with the same
  // triggers changes nothing that fires.
  const { active_version: _v, ...firing } = view;
  return {
    ...view,
    trigger_digest: createHash('sha256').update(JSON.stringify(firing)).digest('hex').slice(0, 32),
  };
}

import type { ChangeEvent } from '@baton/proto';
import type { DecisionDoc } from '../store/documents';

/**
 * A decision's timeline as change events. Ids are `<run key>:<decision seq>:<n>`: a decision
 * applied again after a crash publishes the same events again (at least once, deduplicable), and
 * a run's decisions are applied in order, so its changes are published in order. `ref` names the
 * top-level run (a child run's key starts with it).
 */
export function changesOf(key: string, doc: Pick<DecisionDoc, 'seq' | 'timeline'>): ChangeEvent[] {
  const [workflowId = '', instanceId = '0', runId = '0'] = key.split(':');
  const ref = { workflowId, instanceId, runId };
  return doc.timeline.map(
    (t, n): ChangeEvent => ({
      id: `${key}:${doc.seq}:${n}`,
      streamId: '',
      time: new Date(t.time),
      change:
        t.stepId !== undefined
          ? {
              $case: 'step',
              value: {
                ref,
                key,
                stepId: t.stepId,
                attempt: t.attempt ?? 0,
                status: t.status,
                message: t.message ?? '',
              },
            }
          : { $case: 'run', value: { ref, key, status: t.status, message: t.message ?? '' } },
    }),
  );
}

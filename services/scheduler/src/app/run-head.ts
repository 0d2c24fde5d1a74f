import type { InstanceSnapshot } from '../domain';
import { type DecisionDoc, type RunHead, TIMELINE_CAP } from '../store/documents';

/** A run's head once decision `doc` (whose snapshot is `snapshot`) is applied. */
export function headAfter(head: RunHead, doc: DecisionDoc, snapshot: InstanceSnapshot, now: number): RunHead {
  const next: RunHead = {
    ...head,
    seq: doc.seq,
    status: snapshot.status,
    inflight: inflightOf(head.inflight, snapshot, doc.actions, doc.created_at),
    timeline: [...head.timeline, ...doc.timeline].slice(-TIMELINE_CAP),
    updated_at: now,
  };
  if (snapshot.nextWakeAt === undefined) delete next.next_wake_at;
  else next.next_wake_at = snapshot.nextWakeAt;
  if (snapshot.startedAt !== undefined) next.started_at = snapshot.startedAt;
  if (snapshot.endedAt !== undefined) next.ended_at = snapshot.endedAt;
  return next;
}

/**
 * Attempts dispatched to step-runtime and not finished: the sweeper checks their
 * leases. Only dispatched attempts count (a Sleep or NoOp never reaches a worker).
 */
export function inflightOf(
  previous: RunHead['inflight'],
  s: InstanceSnapshot,
  actions: DecisionDoc['actions'],
  now: number,
): RunHead['inflight'] {
  const live = (key: string, stepId: string) => {
    const step = s.steps.find((x) => x.id === stepId);
    const a = step?.attempts[step.attempts.length - 1];
    return a !== undefined && a.key === key && a.endedAt === undefined;
  };
  const out = previous.filter((f) => live(f.key, f.step));
  for (const a of actions) {
    if (
      a.type === 'dispatchAttempt' &&
      !out.some((f) => f.key === a.attemptKey) &&
      live(a.attemptKey, a.stepId)
    ) {
      out.push({
        key: a.attemptKey,
        step: a.stepId,
        attempt: a.attempt,
        since: now,
        ...(a.tags ? { tags: a.tags } : {}),
      });
    }
  }
  return out;
}

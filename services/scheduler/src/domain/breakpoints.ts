import type { BreakpointRule } from './context';
import type { Draft } from './draft';
import type { ResumeStepEvent } from './events';

export type { BreakpointRule };

/** The breakpoint the next attempt of step i stops at, if any (one resumed attempt goes through). */
function matching(d: Draft, i: number): BreakpointRule | undefined {
  const rules = d.ctx.breakpoints;
  if (!rules || rules.length === 0) return undefined;
  const s = d.get(i);
  const attempt = s.attempt + 1;
  if (s.resumedAttempt === attempt) return undefined;
  const snap = d.snap;
  return rules.find(
    (b) =>
      b.stepId === s.id &&
      (b.version === undefined || b.version === d.ctx.version) &&
      (b.instanceId === undefined || b.instanceId === snap.instanceId) &&
      (b.runId === undefined || b.runId === snap.runId) &&
      (b.attempt === undefined || b.attempt === attempt),
  );
}

/**
 * Pauses step i at a breakpoint instead of starting it: PAUSED, kept in the active list (the run
 * waits for it), and a stepPaused action so the shell can find the run when the breakpoint goes.
 */
export function atBreakpoint(d: Draft, i: number): boolean {
  const bp = matching(d, i);
  if (!bp) return false;
  const attempt = d.get(i).attempt + 1;
  const s = d.setStatus(i, 'PAUSED', `paused at breakpoint ${bp.id}`, attempt);
  s.breakpoint = bp.id;
  d.snap.active.push(s.id);
  d.emit({
    type: 'stepPaused',
    key: `${d.snap.key}:${s.id}:${attempt}:paused`,
    instanceKey: d.snap.key,
    stepId: s.id,
    attempt,
    breakpointId: bp.id,
  });
  return true;
}

/** Lets a paused step start: attempt n goes through its breakpoints once (a retry stops again). */
function resume(d: Draft, i: number, message: string): void {
  const cur = d.get(i);
  const s = d.setStatus(i, cur.attempt === 0 ? 'CREATED' : 'INITIALIZED', message);
  s.resumedAttempt = cur.attempt + 1;
  delete s.breakpoint;
  d.removeActive(s.id);
  d.snap.queue.push(s.id);
}

/** ResumeStep (an operator), or the breakpoint was deleted: the paused attempt starts. */
export function onResumeStep(d: Draft, ev: ResumeStepEvent): void {
  const i = d.idx(ev.stepId);
  if (i === undefined) return;
  const s = d.get(i);
  if (s.status !== 'PAUSED' || s.breakpoint === undefined) return;
  if (ev.attempt !== undefined && ev.attempt !== s.attempt + 1) return;
  if (ev.breakpointId !== undefined && ev.breakpointId !== s.breakpoint) return;
  resume(d, i, ev.reason ?? 'resumed');
}

/** Steps paused at a breakpoint that no longer exists go on (a delete whose wake-up was lost). */
export function resumeOrphans(d: Draft): void {
  const live = new Set((d.ctx.breakpoints ?? []).map((b) => b.id));
  for (const id of d.snap.active.slice()) {
    const i = d.idx(id)!;
    const s = d.get(i);
    if (s.status === 'PAUSED' && s.breakpoint !== undefined && !live.has(s.breakpoint)) {
      resume(d, i, `breakpoint ${s.breakpoint} deleted`);
    }
  }
}

import type { Action, TimelineEntry } from './actions';
import { computeNextWake, fireTimers, pump, settleInstance } from './advance';
import { onAttemptFinished, onAttemptStarted, onLeaseExpired, onPermitsWaiting } from './attempts';
import { onChildFinished, onChildStarted } from './children';
import { onResumeStep, resumeOrphans } from './breakpoints';
import type { DecideContext } from './context';
import { Draft } from './draft';
import type { InstanceEvent } from './events';
import { onInstanceCommand, onRestartFromStep, onStart, onStepCommand } from './instance-actions';
import { onBypassSignals, onSignalMatched } from './signal-deps';
import { onSignalsPublished } from './signal-outputs';
import type { InstanceSnapshot } from './snapshot';
import { isInstanceTerminal } from './statuses';

/** What one decide call yields: the snapshot to store as decision `seq`, actions to perform, timeline entries to append. */
export interface Decision {
  snapshot: InstanceSnapshot;
  actions: Action[];
  timeline: TimelineEntry[];
}

/**
 * The pure heart of the scheduler: (snapshot, new events, now) → (new snapshot, actions, timeline).
 * No I/O, no clock (time is `now`, epoch ms), no randomness; the input is never mutated. Events are
 * applied in order; then due timers fire, ready steps start, and the run ends when nothing can
 * happen anymore. Calling it again with no events at a later `now` fires the timers then due.
 *
 * Cost: O(steps) pointer copy + O(changed steps and edges) + O(active steps) when timers or the
 * step-concurrency bound are involved.
 */
export function decide(
  prev: InstanceSnapshot,
  events: readonly InstanceEvent[],
  now: number,
  ctx: DecideContext,
): Decision {
  const d = new Draft(prev, ctx, now);
  d.snap.seq = prev.seq + 1;
  for (const ev of events) {
    // An ended run changes no more, but may still learn the seqs of the signals its last step
    // published (the publish happens after the decision that ended it).
    if (isInstanceTerminal(d.snap.status) && ev.type !== 'signalsPublished') continue;
    apply(d, ev);
  }
  if (!isInstanceTerminal(d.snap.status) && d.snap.status !== 'CREATED') {
    resumeOrphans(d);
    fireTimers(d, prev.nextWakeAt);
    pump(d);
    settleInstance(d);
  }
  if (isInstanceTerminal(d.snap.status) || d.snap.status === 'CREATED') delete d.snap.nextWakeAt;
  else if (d.timersDirty || (prev.nextWakeAt !== undefined && now >= prev.nextWakeAt)) {
    const wake = computeNextWake(d);
    if (wake === undefined) delete d.snap.nextWakeAt;
    else d.snap.nextWakeAt = wake;
  }
  return { snapshot: d.snap, actions: d.actions, timeline: d.timeline };
}

function apply(d: Draft, ev: InstanceEvent): void {
  switch (ev.type) {
    case 'start':
      return onStart(d, ev);
    case 'attemptStarted':
      return onAttemptStarted(d, ev);
    case 'attemptFinished':
      return onAttemptFinished(d, ev);
    case 'attemptLeaseExpired':
      return onLeaseExpired(d, ev);
    case 'timer':
      return;
    case 'stop':
    case 'kill':
    case 'pause':
    case 'resume':
    case 'timeout':
      return onInstanceCommand(d, ev);
    case 'stopStep':
    case 'skipStep':
      return onStepCommand(d, ev);
    case 'restartFromStep':
      return onRestartFromStep(d, ev);
    case 'childStarted':
      return onChildStarted(d, ev);
    case 'childFinished':
      return onChildFinished(d, ev);
    case 'signalMatched':
      return onSignalMatched(d, ev);
    case 'bypassSignals':
      return onBypassSignals(d, ev);
    case 'signalsPublished':
      return onSignalsPublished(d, ev);
    case 'permitsWaiting':
      return onPermitsWaiting(d, ev);
    case 'resumeStep':
      return onResumeStep(d, ev);
  }
}

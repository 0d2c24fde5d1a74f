import type { CronSchedule } from './schedule';
import { offsetMs, transitionBetween } from './time-zone';

/**
 * Longer than any daylight-saving jump a zone has made (they are 30 minutes to 2 hours), so a
 * fire moved forward out of a gap is never further than this from the jump.
 */
const MAX_GAP_MS = 3 * 3_600_000;

/**
 * Fire times strictly after `afterMs`, ascending, for as long as the caller pulls. Ends when the
 * library finds no further match: it stops looking at year 3000, or after the last year listed,
 * so an expression that never fires (30 February) ends the sequence instead of looping.
 */
export function* cronFiresAfter(s: CronSchedule, afterMs: number): Generator<number> {
  // Fires found but not yet safe to hand out: a gap can move a fire past the library's next one.
  const pending: number[] = [];
  let cursor = startCursor(s, afterMs);
  for (;;) {
    const next = s.job.nextRun(new Date(cursor));
    if (!next) break;
    cursor = next.getTime();
    for (const t of resolveGap(s, cursor)) if (t > afterMs) insertSorted(pending, t);
    // Every later library match is after `cursor`, and so is everything a gap turns it into
    // (a gap's fires are at or after its jump), so what is handed out only ever increases.
    while (pending.length > 0 && pending[0]! <= cursor) yield pending.shift()!;
  }
  yield* pending;
}

/**
 * The library runs a fixed-time schedule whose local time falls in a spring-forward gap at the
 * instant of the jump (02:30 → 03:00). We want Quartz's and java.time's reading, the local time
 * moved forward by the length of the gap (02:30 → 03:30), so every local time in the gap is taken
 * back out of the library's fire and placed on its own.
 */
function resolveGap(s: CronSchedule, fireMs: number): number[] {
  if (!s.fixedTime) return [fireMs];
  const before = offsetMs(fireMs - 1, s.timezone);
  const after = offsetMs(fireMs, s.timezone);
  if (after <= before) return [fireMs];
  const gapStart = fireMs + before;
  const gapEnd = fireMs + after;
  const out: number[] = [];
  for (let w = s.wallClock.nextRun(new Date(gapStart - 1)); w && w.getTime() < gapEnd; ) {
    out.push(w.getTime() - before);
    w = s.wallClock.nextRun(w);
  }
  if (s.wallClock.match(new Date(gapEnd))) out.push(fireMs);
  return out;
}

/**
 * Where to start asking the library. Just after a jump, a gap's fire (moved forward) can still be
 * ahead of `afterMs` although the library placed it at the jump, behind `afterMs`: start there.
 */
function startCursor(s: CronSchedule, afterMs: number): number {
  if (!s.fixedTime) return afterMs;
  const from = afterMs - MAX_GAP_MS;
  const jump = transitionBetween(from, afterMs, s.timezone);
  if (jump === undefined || offsetMs(jump, s.timezone) < offsetMs(from, s.timezone)) return afterMs;
  return Math.min(afterMs, jump - 1);
}

function insertSorted(list: number[], t: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > t) i--;
  if (list[i - 1] !== t) list.splice(i, 0, t);
}

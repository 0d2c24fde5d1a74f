import type { IntervalSchedule } from './schedule';

/** The largest instant a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** Fire times strictly after `afterMs`, ascending: `startMs + k * intervalMs` for k ≥ 0. */
export function* intervalFiresAfter(s: IntervalSchedule, afterMs: number): Generator<number> {
  let k = afterMs < s.startMs ? 0 : Math.floor((afterMs - s.startMs) / s.intervalMs) + 1;
  for (;;) {
    const t = s.startMs + k * s.intervalMs;
    if (t > MAX_DATE_MS) return;
    yield t;
    k++;
  }
}

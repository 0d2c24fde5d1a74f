import type { PermitGate } from '../redis/permit-gate';
import type { LoadedRun } from './run-refs';

/**
 * A run as readers see it: a step whose dispatched attempt the permit gate holds back shows
 * WAITING_FOR_PERMITS with the tag (`permitTag`), read from the gate at once — the decision log
 * records such a wait only once the sweeper sees it last (see Sweeper), so a short wait costs the
 * write path nothing.
 */
export async function withPermitWaits(run: LoadedRun, gate: PermitGate | undefined): Promise<LoadedRun> {
  if (!gate) return run;
  const keys: string[] = [];
  for (const s of run.snapshot.steps) {
    const key = s.status === 'STARTING' && s.permitTag === undefined ? s.attempts.at(-1)?.key : undefined;
    if (key) keys.push(key);
  }
  if (keys.length === 0) return run;
  const states = await gate.states(keys);
  if (!Object.values(states).some((st) => st?.waiting)) return run;
  const steps = run.snapshot.steps.map((s) => {
    const key = s.status === 'STARTING' ? s.attempts.at(-1)?.key : undefined;
    const st = key ? states[key] : undefined;
    return st?.waiting ? { ...s, permitTag: st.tag } : s;
  });
  return { head: run.head, snapshot: { ...run.snapshot, steps } };
}

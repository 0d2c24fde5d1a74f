// How the DAG groups step and loop statuses into colours: the same groups as the CLI
// (packages/cli/src/commands/step-status.ts) and the console's badges, over the vocabulary of
// packages/model/src/statuses.ts (a unit test checks every status there lands in its group).

export type StatusGroup = 'ok' | 'fail' | 'active' | 'passed' | 'waiting' | 'attention';

/** Failures (model's isFailureStatus): red. */
const FAILURES = new Set([
  'FAILED',
  'USER_FAILED',
  'PLATFORM_FAILED',
  'FATALLY_FAILED',
  'INTERNALLY_FAILED',
  'TIMED_OUT',
]);
/** In flight: blue. */
const ACTIVE = new Set([
  'INITIALIZED',
  'EVALUATING_PARAMS',
  'STARTING',
  'RUNNING',
  'FINISHING',
  'IN_PROGRESS',
]);
/** Not run, or passed over by the DAG: grey. */
const PASSED_OVER = new Set(['DISABLED', 'UNSATISFIED', 'SKIPPED', 'NOT_CREATED', 'CREATED']);

/**
 * Green for success, red for failure, blue while running, grey when passed over, purple while waiting
 * for signals, amber otherwise (STOPPED, COMPLETED_WITH_ERROR, PAUSED, WAITING_FOR_PERMITS: needs a look).
 */
export function statusGroup(status: string | undefined): StatusGroup {
  const s = status ?? '';
  if (s === 'SUCCEEDED') return 'ok';
  if (FAILURES.has(s)) return 'fail';
  if (ACTIVE.has(s)) return 'active';
  // No status yet: not run, like NOT_CREATED.
  if (PASSED_OVER.has(s) || s === '') return 'passed';
  if (s === 'WAITING_FOR_SIGNALS') return 'waiting';
  return 'attention';
}

export const STATUS_GROUPS: readonly StatusGroup[] = [
  'ok',
  'fail',
  'active',
  'waiting',
  'attention',
  'passed',
];

/**
 * A loop's iterations by group, in STATUS_GROUPS order, from StepRunSummary.iterationCounts (int64
 * values as strings in JSON). The scheduler reports `total`, `launched`, `running`, `succeeded`,
 * `failed` and `stopped`; iterations not yet ended nor running count as not started (grey). Counts
 * keyed by status (`SUCCEEDED: 950`) are read too. Anything that is not a count is ignored.
 */
export function countsByGroup(counts: Record<string, string | number> | undefined): {
  total: number;
  groups: [StatusGroup, number][];
} {
  const num = (v: unknown) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : 0;
  };
  const sums = new Map<StatusGroup, number>();
  const add = (g: StatusGroup, n: number) => {
    if (n > 0) sums.set(g, (sums.get(g) ?? 0) + n);
  };
  let total = 0;
  const c = counts ?? {};
  if ('total' in c) {
    total = num(c.total);
    const ok = num(c.succeeded);
    const fail = num(c.failed);
    const running = num(c.running);
    const stopped = num(c.stopped);
    add('ok', ok);
    add('fail', fail);
    add('active', running);
    add('attention', stopped);
    add('passed', total - ok - fail - running - stopped);
  } else {
    for (const [status, raw] of Object.entries(c)) {
      const n = num(raw);
      add(statusGroup(status), n);
      total += n;
    }
  }
  return { total, groups: STATUS_GROUPS.filter((g) => sums.has(g)).map((g) => [g, sums.get(g)!]) };
}

import { type Meter, SECONDS_BUCKETS, instruments, type RedisClient } from '@baton/kit';
import { queueStats } from '../redis/queue-stats';

/** The scheduler's Prometheus instruments (names as the dashboard in k8s/grafana reads them). */
export const schedulerMetrics = instruments((meter) => ({
  decision: meter.createHistogram('baton_decision_duration_seconds', {
    description:
      'One decision: gather events, decide, insert (the fence), perform the actions, write the head',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  }),
  /** Label lock: instance (a run's lock; 0 when taken at once, else the time since it was first found held). */
  lockWait: meter.createHistogram('baton_lock_wait_seconds', {
    description: 'How long work waited for a lock held elsewhere',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  }),
  /** New top-level instances (not restarts, foreach iterations or subworkflows). Label initiator: manual, time, signal, backfill. */
  runsStarted: meter.createCounter('baton_runs_started', { description: 'Top-level runs created' }),
  /** Top-level runs only. Label status: the terminal status. */
  runsEnded: meter.createCounter('baton_runs_ended', { description: 'Top-level runs that ended' }),
}));

/**
 * The work queues' depth and the age of their oldest message, by pool, read from Redis when
 * Prometheus scrapes (every replica reports the same figures: aggregate with max).
 */
export function observeQueues(meter: Meter, redis: RedisClient): void {
  const depth = meter.createObservableGauge('baton_queue_depth', {
    description: 'Work messages not yet taken by step-runtime, by pool',
  });
  const age = meter.createObservableGauge('baton_queue_oldest_age_seconds', {
    description: 'Age of the oldest work message not yet taken, by pool',
    unit: 's',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      for (const s of await queueStats(redis)) {
        result.observe(depth, s.depth, { pool: s.pool });
        result.observe(age, s.oldestAgeSeconds, { pool: s.pool });
      }
    },
    [depth, age],
  );
}

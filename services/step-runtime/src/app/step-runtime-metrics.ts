import { SECONDS_BUCKETS, instruments } from '@baton/kit';

/** Step-runtime's Prometheus instruments (names as the dashboard in k8s/grafana reads them). */
export const stepRuntimeMetrics = instruments((meter) => ({
  /** Labels: step_type (SHELL, PYTHON, …; OTHER for a type this runtime does not run), outcome (the reported status). */
  attemptDuration: meter.createHistogram('baton_step_attempt_duration_seconds', {
    description: 'How long step attempts ran, by step type and outcome',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  }),
}));

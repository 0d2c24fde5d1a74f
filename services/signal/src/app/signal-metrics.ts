import { instruments } from '@baton/kit';

/** The signal service's Prometheus instruments (names as the dashboard in k8s/grafana reads them). */
export const signalMetrics = instruments((meter) => ({
  /** New signal instances stored (a repeated request id is not counted again). */
  published: meter.createCounter('baton_signals_published', { description: 'Signal instances published' }),
  /** Runs started by triggers. Label kind: time, signal, backfill. */
  triggersFired: meter.createCounter('baton_triggers_fired', { description: 'Runs started by triggers' }),
}));

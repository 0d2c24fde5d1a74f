// Prometheus metrics: the OpenTelemetry metrics SDK with its Prometheus exporter, served on
// BATON_METRICS_PORT (0 = off, the default; 9464 in the Kubernetes manifests). Off, every
// instrument is the API's no-op, so recording costs a function call.
//
// Labels stay few and bounded (step type, outcome, status, pool, lock name): never a workflow id,
// a run key or a param, so a scrape neither grows with the number of runs nor shows user data.
import { type Meter, metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** Buckets for latencies in seconds, from a Redis round trip to a long step. */
export const SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600,
];

let provider: MeterProvider | undefined;

export interface MetricsEndpoint {
  /** The port the endpoint listens on (the one asked for, or the one given for 0 in tests). */
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves GET /metrics on host:port and makes the global meter provider real. Call it before
 * anything records (startService does, before a service's setup). Fails when the port is taken,
 * so a misconfigured pod does not run without the metrics it is expected to have.
 */
export async function startMetrics(service: string, host: string, port: number): Promise<MetricsEndpoint> {
  const exporter = new PrometheusExporter({ host, port, preventServerStart: true });
  await exporter.startServer();
  const mp = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [exporter],
  });
  metrics.setGlobalMeterProvider(mp);
  provider = mp;
  return {
    port,
    async stop() {
      await exporter.stopServer().catch(() => {});
      await mp.shutdown().catch(() => {});
      metrics.disable();
      provider = undefined;
    },
  };
}

/**
 * A service's instruments, made on first use once metrics are on (instruments made from the
 * API before the provider is set stay no-ops for ever, so they are made late, and made again if
 * the provider changes, as in tests that start a service twice in one process).
 */
export function instruments<T>(make: (meter: Meter) => T): () => T {
  let made: T | undefined;
  let madeFor: MeterProvider | undefined | null = null;
  return () => {
    if (made === undefined || madeFor !== provider) {
      made = make(batonMeter());
      madeFor = provider;
    }
    return made;
  };
}

export type { Meter };

/** The meter to register observable instruments on (in a service's setup, after startMetrics). */
export function batonMeter(): Meter {
  return metrics.getMeter('baton');
}

/** Seconds since a performance.now() reading. */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

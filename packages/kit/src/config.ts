import { parseClusterUrl } from './redis-url';
import { type SecurityConfig, checkExposure, readSecurityConfig } from './security/security-config';

export { ConfigError, EnvReader } from './env-reader';
import { EnvReader } from './env-reader';

/** Only loopback endpoints are allowed for telemetry export (no data leaves the machine by default). */
export function loopbackUrl(value: string): string | undefined {
  try {
    const host = new URL(value).hostname;
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)
      ? undefined
      : 'must point at a loopback address (or set BATON_OTEL_ALLOW_REMOTE=1)';
  } catch {
    return 'not a URL';
  }
}

function httpUrl(value: string): string | undefined {
  try {
    return /^https?:$/.test(new URL(value).protocol) ? undefined : 'expected an http(s):// URL';
  } catch {
    return 'not a URL';
  }
}

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT: loopback (a collector sidecar) unless BATON_OTEL_ALLOW_REMOTE=1 says
 * spans may leave the machine — they carry workflow and step ids.
 */
export function readOtlpEndpoint(r: EnvReader): string {
  const remote = r.oneOf('BATON_OTEL_ALLOW_REMOTE', '0', ['0', '1'] as const) === '1';
  return r.string('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318', remote ? httpUrl : loopbackUrl);
}

export function mongoUrl(value: string): string | undefined {
  return /^mongodb(\+srv)?:\/\//.test(value) ? undefined : 'expected a mongodb:// URL';
}

export function redisUrl(value: string): string | undefined {
  if (/^rediss?:\/\//.test(value)) return undefined;
  if (!/^rediss?\+cluster:\/\//.test(value)) return 'expected a redis:// or redis+cluster:// URL';
  try {
    parseClusterUrl(value);
    return undefined;
  } catch (err) {
    return `bad redis+cluster:// URL: ${(err as Error).message}`;
  }
}

/** Settings every service shares. Defaults match the local stack (`npm start`). */
export interface ServiceConfig {
  /** BATON_INTERNAL_HOST (default BATON_HOST): the address the internal port binds. */
  internalHost: string;
  /** <SERVICE>_INTERNAL_PORT: the port for service-to-service calls; default the public port + 10 (7411..7414). */
  internalPort: number;
  /**
   * BATON_HEALTH_PORT (default 0 = none): a plaintext port serving only grpc.health.v1, for probes
   * that cannot speak TLS (Kubernetes' native gRPC probes) when BATON_TLS=on.
   */
  healthPort: number;
  /**
   * BATON_METRICS_PORT (default 0 = none): plaintext HTTP serving Prometheus metrics at /metrics
   * on BATON_METRICS_HOST (default BATON_HOST). It shows counts and latencies only, no user data.
   */
  metricsPort: number;
  metricsHost: string;
  /** BATON_TLS, BATON_AUTH and friends (security/security-config.ts). */
  security: SecurityConfig;
  /** BATON_HOST (default 127.0.0.1): the address the gRPC server binds. */
  host: string;
  /** <SERVICE>_PORT or BATON_PORT: the gRPC port; defaults per service (7401..7404). */
  port: number;
  /** MONGODB_URL (default mongodb://127.0.0.1:27018/baton — the local stack's FerretDB). */
  mongodbUrl: string;
  /**
   * REDIS_URL (default redis://127.0.0.1:6380 — the local stack's redis-server). A Redis Cluster is
   * `redis+cluster://[user:password@]host:port[,host:port...]` (`rediss+cluster://` with TLS).
   */
  redisUrl: string;
  /** LOG_LEVEL (default info). */
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** BATON_OTEL_EXPORTER (default none): none | console | otlp. */
  otelExporter: 'none' | 'console' | 'otlp';
  /** OTEL_EXPORTER_OTLP_ENDPOINT (default http://127.0.0.1:4318), loopback unless BATON_OTEL_ALLOW_REMOTE=1. */
  otlpEndpoint: string;
  /** BATON_MAX_DEADLINE_MS (default 30000): the longest a unary call may run. */
  maxDeadlineMs: number;
  /** BATON_SHUTDOWN_GRACE_MS (default 10000): how long in-flight calls may drain on SIGTERM. */
  shutdownGraceMs: number;
}

export const DEFAULT_MONGODB_URL = 'mongodb://127.0.0.1:27018/baton';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6380';

export function readServiceConfig(
  service: string,
  defaultPort: number,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  const r = new EnvReader(env);
  const portVar = `${service.toUpperCase().replace(/-/g, '_')}_PORT`;
  const cfg: ServiceConfig = {
    host: r.string('BATON_HOST', '127.0.0.1'),
    port: r.int(portVar, r.int('BATON_PORT', defaultPort, 0, 65535), 0, 65535),
    mongodbUrl: r.string('MONGODB_URL', DEFAULT_MONGODB_URL, mongoUrl),
    redisUrl: r.string('REDIS_URL', DEFAULT_REDIS_URL, redisUrl),
    logLevel: r.oneOf('LOG_LEVEL', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const),
    otelExporter: r.oneOf('BATON_OTEL_EXPORTER', 'none', ['none', 'console', 'otlp'] as const),
    otlpEndpoint: readOtlpEndpoint(r),
    maxDeadlineMs: r.int('BATON_MAX_DEADLINE_MS', 30_000, 100, 3_600_000),
    shutdownGraceMs: r.int('BATON_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    internalHost: '',
    healthPort: r.int('BATON_HEALTH_PORT', 0, 0, 65535),
    metricsPort: r.int('BATON_METRICS_PORT', 0, 0, 65535),
    metricsHost: '',
    internalPort: r.int(
      `${service.toUpperCase().replace(/-/g, '_')}_INTERNAL_PORT`,
      defaultPort + 10,
      0,
      65535,
    ),
    security: readSecurityConfig(r),
  };
  cfg.internalHost = r.string('BATON_INTERNAL_HOST', cfg.host);
  cfg.metricsHost = r.string('BATON_METRICS_HOST', cfg.host);
  const exposure = checkExposure(cfg.host, cfg.security) ?? checkExposure(cfg.internalHost, cfg.security);
  if (exposure) r.problem(exposure);
  r.done();
  return cfg;
}

import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import { descriptorSetBase64 } from '@baton/proto';
import type { Middleware, ServerStreamHandler, UnaryHandler } from './call-context';
import { logCalls } from './logging-middleware';
import { addReflection } from './reflection';
import { adaptService } from './service-adapter';
import type { Dependency } from './stores';

export interface ServiceRegistration {
  /** Fully qualified proto name, e.g. baton.v1.DefinitionService (the health service name too). */
  name: string;
  definition: ServiceDefinition;
  // biome-ignore lint/suspicious/noExplicitAny: typed by each service's handler map.
  handlers: Record<string, UnaryHandler<any, any> | ServerStreamHandler<any, any> | undefined>;
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  log: Logger;
  domain: string;
  services: ServiceRegistration[];
  dependencies: Dependency[];
  /** Extra middleware, run after call logging. */
  middleware?: Middleware[];
  maxDeadlineMs: number;
  /** How often dependencies are probed for readiness (ms). */
  readinessProbeMs?: number;
  /** Transport security; default plaintext. */
  credentials?: ServerCredentials;
  /** Names this server in logs: public or internal. */
  role?: string;
}

export interface RunningServer {
  port: number;
  server: Server;
  health: HealthImplementation;
  /** Health NOT_SERVING, wait for in-flight calls up to graceMs, then close every connection. */
  shutdown(graceMs: number): Promise<void>;
}

/** The health-check name for liveness probes (see startGrpcServer). */
export const LIVENESS_SERVICE = 'liveness';

/** Message limits: a definition may be 1 MiB of JSON; 4 MiB leaves room for envelopes. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Starts a gRPC server with the services, health checking (per service and ""),
 * reflection from the buf-built descriptors, and the middleware chain.
 */
export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningServer> {
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    // Clients reconnect every few minutes, so they re-resolve behind a Kubernetes Service. The
    // grace outlasts the longest call (maxDeadlineMs, which also ends watch streams), so a call
    // under way when the connection ages out ends on its own instead of as UNAVAILABLE.
    'grpc.max_connection_age_ms': 5 * 60_000,
    'grpc.max_connection_age_grace_ms': opts.maxDeadlineMs + 10_000,
  });
  const shutdownController = new AbortController();
  const middleware = [logCalls, ...(opts.middleware ?? [])];
  for (const s of opts.services) {
    server.addService(
      s.definition,
      adaptService(s.definition, s.handlers, middleware, {
        log: opts.log,
        domain: opts.domain,
        maxDeadlineMs: opts.maxDeadlineMs,
        shutdown: shutdownController.signal,
      }),
    );
  }
  const names = opts.services.map((s) => s.name);
  // Readiness: "" and each service name follow the dependencies (MongoDB, Redis).
  // Liveness: LIVENESS_SERVICE is SERVING while the process runs and is not stopping,
  // so an orchestrator restarts a wedged process, not one whose database is away.
  const health = new HealthImplementation({
    ...Object.fromEntries(['', ...names].map((n) => [n, 'NOT_SERVING' as const])),
    [LIVENESS_SERVICE]: 'SERVING',
  });
  health.addToServer(server);
  addReflection(server, Buffer.from(descriptorSetBase64, 'base64'), names);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${opts.host}:${opts.port}`,
      opts.credentials ?? ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );

  let stopping = false;
  const setAll = (status: 'SERVING' | 'NOT_SERVING') => {
    for (const n of ['', ...names]) health.setStatus(n, status);
  };
  let last: boolean | undefined;
  const probe = () => {
    if (stopping) return;
    const ok = opts.dependencies.every((d) => d.healthy());
    if (ok !== last) {
      setAll(ok ? 'SERVING' : 'NOT_SERVING');
      if (last !== undefined) opts.log.warn({ ready: ok }, 'readiness changed');
      last = ok;
    }
  };
  probe();
  const timer = setInterval(probe, opts.readinessProbeMs ?? 1000);
  timer.unref();
  opts.log.info({ port, services: names, role: opts.role ?? 'public' }, 'gRPC server listening');

  return {
    port,
    server,
    health,
    shutdown: async (graceMs: number) => {
      stopping = true;
      clearInterval(timer);
      setAll('NOT_SERVING');
      health.setStatus(LIVENESS_SERVICE, 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          opts.log.warn('grace period over; closing remaining calls');
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        // Streams (watch, logs) never finish on their own: end them now, unary calls drain.
        shutdownController.abort();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

import type { Logger } from 'pino';
import { type ServiceConfig, readServiceConfig } from './config';
import { type RunningServer, type ServiceRegistration, startGrpcServer } from './grpc-server';
import { createLogger } from './logger';
import { startMetrics } from './metrics';
import { type ChannelCredentials, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { AuditStore } from './security/audit-store';
import { auditService } from './security/audit-service';
import { Authenticator } from './security/authenticator';
import { PERMISSIONS } from './security/permissions';
import { RateLimiter } from './security/rate-limit';
import { internalSecurity, publicSecurity } from './security/security-middleware';
import { serverCredentials, serviceChannelCredentials } from './security/tls-credentials';
import {
  type Dependency,
  type MongoHandle,
  type RedisHandle,
  connectMongo,
  connectRedis,
  ensureCollections,
} from './stores';

export interface ServiceDeps {
  config: ServiceConfig;
  log: Logger;
  mongo: MongoHandle;
  redis: RedisHandle;
  /** How this service calls the others: their internal ports, with its certificate when TLS is on. */
  peers: Peers;
}

export type PeerName = 'definition' | 'scheduler' | 'stepRuntime' | 'signal';

export interface Peers {
  credentials: ChannelCredentials;
  /** `host:port` of a peer's internal port: BATON_<PEER>_INTERNAL_ADDR, else 127.0.0.1:7411..7414. */
  address(peer: PeerName): string;
}

const PEER_DEFAULTS: Record<PeerName, { env: string; port: number }> = {
  definition: { env: 'BATON_DEFINITION_INTERNAL_ADDR', port: 7411 },
  scheduler: { env: 'BATON_SCHEDULER_INTERNAL_ADDR', port: 7412 },
  stepRuntime: { env: 'BATON_STEP_RUNTIME_INTERNAL_ADDR', port: 7413 },
  signal: { env: 'BATON_SIGNAL_INTERNAL_ADDR', port: 7414 },
};

export function peerAddress(peer: PeerName, env: NodeJS.ProcessEnv = process.env): string {
  const d = PEER_DEFAULTS[peer];
  return env[d.env] || `127.0.0.1:${d.port}`;
}

/** Internal contracts (baton.internal.*) are served on the internal port only. */
const isInternal = (s: ServiceRegistration) => s.name.startsWith('baton.internal.');

/** Fails at start when a public method has no row in the permission table. */
function checkPermissions(services: ServiceRegistration[]): void {
  for (const s of services) {
    for (const m of Object.values(s.definition as ServiceDefinition)) {
      if (!PERMISSIONS[m.path])
        throw new Error(`${m.path} has no row in the permission table (kit/security/permissions.ts)`);
    }
  }
}

export interface ServiceParts {
  services: ServiceRegistration[];
  /** Background work (sweepers, consumers) to stop before the stores close. */
  stop?: () => Promise<void>;
  /** Extra readiness inputs beyond MongoDB and Redis. */
  dependencies?: Dependency[];
}

export interface RunServiceOptions {
  /** Short name: definition, scheduler, step-runtime, signal. */
  name: string;
  defaultPort: number;
  /** The collections the service writes: created at start, never on a first insert under load (see ensureCollections). */
  collections: readonly string[];
  setup: (deps: ServiceDeps) => Promise<ServiceParts>;
  env?: NodeJS.ProcessEnv;
}

export interface StartedService {
  port: number;
  /** The port for service-to-service calls. */
  internalPort: number;
  server: RunningServer;
  stop(): Promise<void>;
}

/**
 * Starts a service: config from the environment (validated once), logs, stores,
 * the gRPC server; then the shutdown sequence on SIGTERM/SIGINT: health
 * NOT_SERVING, in-flight calls drain (up to the grace period), background work
 * stops, stores close.
 */
export async function startService(opts: RunServiceOptions): Promise<StartedService> {
  const config = readServiceConfig(opts.name, opts.defaultPort, opts.env);
  const log = createLogger(opts.name, config.logLevel);
  const sec = config.security;
  const authenticator = sec.auth ? await Authenticator.load(sec.auth) : null;
  if (!authenticator)
    log.warn('BATON_AUTH is off: every caller may do everything (dev mode; loopback binds only)');
  if (!sec.tls) log.warn('BATON_TLS is off: plaintext gRPC (dev mode; loopback binds only)');
  const mongo = await connectMongo(config.mongodbUrl, log);
  const redis = await connectRedis(config.redisUrl, log);
  await ensureCollections(mongo.db, [...opts.collections, AuditStore.COLLECTION]);
  const audit = new AuditStore(mongo.db, opts.name);
  await audit.ensureIndexes();
  // Before setup: instruments made from here on record for real.
  const metricsEndpoint = config.metricsPort
    ? await startMetrics(opts.name, config.metricsHost, config.metricsPort)
    : undefined;
  if (metricsEndpoint) log.info({ port: metricsEndpoint.port }, 'Prometheus metrics on /metrics');
  const peers: Peers = {
    credentials: serviceChannelCredentials(sec.tls),
    address: (peer) => peerAddress(peer, opts.env),
  };
  const parts = await opts.setup({ config, log, mongo, redis, peers });
  const publicServices = [...parts.services.filter((s) => !isInternal(s)), auditService(audit)];
  checkPermissions(publicServices);
  const dependencies = [mongo, redis, ...(parts.dependencies ?? [])];
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    log,
    domain: `${opts.name}.baton`,
    services: publicServices,
    dependencies,
    maxDeadlineMs: config.maxDeadlineMs,
    credentials: serverCredentials(sec.tls, false),
    middleware: [
      publicSecurity({
        service: opts.name,
        authenticator,
        limiter: new RateLimiter(sec.rateLimit.perSecond, sec.rateLimit.burst),
        audit,
        log,
      }),
    ],
  });
  // Services call each other here: the internal contracts, and the public ones on behalf of
  // the system (the signal service starting a run, the scheduler reading a definition).
  const internalServer = await startGrpcServer({
    host: config.internalHost,
    port: config.internalPort,
    log,
    domain: `${opts.name}.baton`,
    services: parts.services,
    dependencies,
    maxDeadlineMs: config.maxDeadlineMs,
    credentials: serverCredentials(sec.tls, true),
    middleware: [internalSecurity(sec.tls !== null)],
    role: 'internal',
  });
  // Probes that cannot speak TLS ask the same health statuses on a plaintext port of their own.
  const healthServer = config.healthPort ? new Server() : null;
  if (healthServer) {
    server.health.addToServer(healthServer);
    await new Promise<number>((resolve, reject) =>
      healthServer.bindAsync(
        `${config.host}:${config.healthPort}`,
        ServerCredentials.createInsecure(),
        (err, p) => (err ? reject(err) : resolve(p)),
      ),
    );
  }
  const retention = setInterval(() => {
    if (sec.auditRetentionDays === 0) return;
    audit
      .expire(new Date(Date.now() - sec.auditRetentionDays * 86_400_000))
      .catch((err) => log.warn({ err }, 'audit retention sweep failed'));
  }, 60 * 60_000);
  retention.unref();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      log.info('shutting down');
      clearInterval(retention);
      healthServer?.forceShutdown();
      await Promise.all([
        server.shutdown(config.shutdownGraceMs),
        internalServer.shutdown(config.shutdownGraceMs),
      ]);
      await parts.stop?.();
      await Promise.allSettled([mongo.close(), redis.close(), metricsEndpoint?.stop()]);
      log.info('stopped');
    })();
    return stopped;
  };
  return { port: server.port, internalPort: internalServer.port, server, stop };
}

/** The whole main() of a service process. */
export function runServiceMain(opts: RunServiceOptions): void {
  startService(opts)
    .then((svc) => {
      const onSignal = (signal: string) => {
        svc
          .stop()
          .then(() => process.exit(0))
          .catch((err) => {
            console.error(`${opts.name}: error during shutdown after ${signal}:`, err);
            process.exit(1);
          });
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
    })
    .catch((err) => {
      console.error(`${opts.name}: failed to start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}

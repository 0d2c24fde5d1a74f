import type { Logger } from 'pino';
import { type ServiceConfig, readServiceConfig } from './config';
import { type RunningServer, type ServiceRegistration, startGrpcServer } from './grpc-server';
import { createLogger } from './logger';
import { type Dependency, type MongoHandle, type RedisHandle, connectMongo, connectRedis } from './stores';

export interface ServiceDeps {
  config: ServiceConfig;
  log: Logger;
  mongo: MongoHandle;
  redis: RedisHandle;
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
  setup: (deps: ServiceDeps) => Promise<ServiceParts>;
  env?: NodeJS.ProcessEnv;
}

export interface StartedService {
  port: number;
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
  const mongo = await connectMongo(config.mongodbUrl, log);
  const redis = await connectRedis(config.redisUrl, log);
  const parts = await opts.setup({ config, log, mongo, redis });
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    log,
    domain: `${opts.name}.baton`,
    services: parts.services,
    dependencies: [mongo, redis, ...(parts.dependencies ?? [])],
    maxDeadlineMs: config.maxDeadlineMs,
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      log.info('shutting down');
      await server.shutdown(config.shutdownGraceMs);
      await parts.stop?.();
      await Promise.allSettled([mongo.close(), redis.close()]);
      log.info('stopped');
    })();
    return stopped;
  };
  return { port: server.port, server, stop };
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

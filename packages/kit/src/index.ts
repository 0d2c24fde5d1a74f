// Service kit: what every Baton service is made of. Load `@baton/kit/telemetry`
// first in a service's main.ts when tracing is wanted.
export type { CallContext, Middleware, ServerStreamHandler, UnaryHandler } from './call-context';
export * from './config';
export { BatonError, type ErrorCode, type FieldViolation, grpcCodeOf, requireField } from './errors';
export { toServiceError } from './grpc-status';
export {
  startGrpcServer,
  type GrpcServerOptions,
  type RunningServer,
  type ServiceRegistration,
} from './grpc-server';
export { createLogger } from './logger';
export {
  batonMeter,
  instruments,
  type Meter,
  type MetricsEndpoint,
  SECONDS_BUCKETS,
  secondsSince,
  startMetrics,
} from './metrics';
export { logCalls } from './logging-middleware';
export { DescriptorIndex, addReflection } from './reflection';
export { adaptService } from './service-adapter';
export {
  connectMongo,
  connectRedis,
  ensureCollections,
  insertAllowingDuplicates,
  isDuplicateKey,
  type Dependency,
  type MongoHandle,
  type RedisHandle,
} from './stores';
export {
  runServiceMain,
  startService,
  type RunServiceOptions,
  type ServiceDeps,
  type ServiceParts,
  type StartedService,
} from './run-service';
export { pageToken, readPageToken, pageSize } from './paging';
export { latestOf } from './latest-of';
export { CHANNELS } from './channels';
export {
  CHANGES_KEPT,
  CHANGES_STREAM,
  addChanges,
  latestChangeId,
  publishChanges,
  readChanges,
} from './change-stream';
export { tryLock, unlock } from './redis-lock';
export {
  type ClusterTarget,
  type RedisClient,
  MAX_CLUSTER_SEEDS,
  createRedisClient,
  duplicateClient,
  hashTagOf,
  isCluster,
  parseClusterUrl,
  scanKeys,
} from './redis-client';
export { type Replies, SlotBatch } from './slot-batch';
export { SHARED_KEYS } from './redis-keys';
export {
  type Span,
  type TraceCarrier,
  currentTrace,
  inSpan,
  traceContextOf,
  withTrace,
} from './trace-context';
export {
  type DefinitionStamp,
  readDefinitionStamp,
  stampDefinitionChange,
  startDefinitionStamp,
} from './definition-stamps';
export * from './security';
export { peerAddress, type PeerName, type Peers } from './run-service';
export {
  type HttpAllowList,
  NOTHING_ALLOWED,
  guardedLookup,
  parseAllowList,
  refusal,
  urlAddressRefusal,
} from './address-guard';

// @baton/sdk: typed promise clients of Baton's four gRPC services.
// Messages are @baton/proto's (ts-proto); this package adds deadlines, request
// ids, one error type and ParamValue helpers on top.
export type { CallOptions, StreamCallOptions } from './call-options';
export { type ClientOptions, DEFAULT_CHANNEL_OPTIONS, DEFAULT_TIMEOUT_MS } from './client-options';
export { DEFAULT_RETRY, neverSent, type RetryOptions } from './retry-policy';
export { type BatonClients, connect } from './connect';
export { connectionCause } from './connection-cause';
export type { ConnectOptions } from './connect-options';
export { createDefinitionClient, type DefinitionClient } from './definition-client';
export { BatonClientError, type BatonClientErrorInit, toClientError } from './errors';
export { fromParamMap, toParamMap } from './param-map';
export {
  type FromParamValueOptions,
  fromParamValue,
  type JsonValue,
  type ParamJsValue,
  type ParamType,
  paramTypeOf,
  toParamValue,
} from './param-value';
export { createSchedulerClient, type SchedulerClient } from './scheduler-client';
export type { ServerStream } from './server-stream';
export { resolveAddress, SERVICE_DEFAULTS, type ServiceName } from './service-addresses';
export type { PromiseClient, RequestOf, ResponseOf, ServiceClient } from './service-client';
export { createSignalClient, type SignalClient } from './signal-client';
export {
  decodeStatusDetails,
  type FieldViolation,
  STATUS_DETAILS_KEY,
  type StatusDetails,
} from './status-details';
export { type StatusCodeName, statusCodeName } from './status-codes';
export { createStepRuntimeClient, type StepRuntimeClient } from './step-runtime-client';
export { type AuditClient, createAuditClient } from './audit-client';

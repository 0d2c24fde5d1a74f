// Generated gRPC contracts of Baton (ts-proto, grpc-js). Never edit src/gen by
// hand: change proto/ and run `node scripts/gen-proto.mjs`.
export * from './gen/baton/v1/common';
export * from './gen/baton/v1/definition';
export * from './gen/baton/v1/scheduler';
export * from './gen/baton/v1/step_runtime';
export * from './gen/baton/v1/signal';
export * from './gen/baton/v1/audit';
export * as internal from './internal';
export { BadRequest, BadRequest_FieldViolation, ErrorInfo, RetryInfo } from './gen/google/rpc/error_details';
export { Status } from './gen/google/rpc/status';
export { Timestamp } from './gen/google/protobuf/timestamp';
export { descriptorSetBase64 } from './gen/descriptor-set';
// Each generated file declares these; name the ones the package exports.
export { protobufPackage, protobufFileName, type DeepPartial, type MessageFns } from './gen/baton/v1/common';

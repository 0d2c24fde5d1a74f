import {
  CancelAttemptRequest,
  GetStepArtifactRequest,
  GetStepLogsRequest,
  StepRuntimeServiceClient,
  StepRuntimeServiceService,
} from '@baton/proto';
import { type ClientOptions, resolveClientOptions } from './client-options';
import { resolveAddress } from './service-addresses';
import { createServiceClient, type ServiceClient, type ServiceSpec } from './service-client';

/**
 * Promise client of baton.v1.StepRuntimeService. `getStepLogs` returns a
 * ServerStream of log chunks; with `follow: true` it lasts until the attempt ends.
 */
export type StepRuntimeClient = ServiceClient<StepRuntimeServiceService>;

const spec: ServiceSpec<StepRuntimeServiceService> = {
  definition: StepRuntimeServiceService,
  Client: StepRuntimeServiceClient,
  requests: {
    getStepLogs: GetStepLogsRequest,
    cancelAttempt: CancelAttemptRequest,
    getStepArtifact: GetStepArtifactRequest,
  },
};

export function createStepRuntimeClient(options: ClientOptions = {}): StepRuntimeClient {
  return createServiceClient(
    spec,
    resolveClientOptions(options, resolveAddress('stepRuntime', options.address)),
  );
}

import {
  GetSignalRequest,
  ListSignalsRequest,
  PublishSignalRequest,
  SignalServiceClient,
  SignalServiceService,
} from '@baton/proto';
import { type ClientOptions, resolveClientOptions } from './client-options';
import { resolveAddress } from './service-addresses';
import { createServiceClient, type ServiceClient, type ServiceSpec } from './service-client';

/** Promise client of baton.v1.SignalService. Signal params: build them with `toParamMap`. */
export type SignalClient = ServiceClient<SignalServiceService>;

const spec: ServiceSpec<SignalServiceService> = {
  definition: SignalServiceService,
  Client: SignalServiceClient,
  requests: {
    publishSignal: PublishSignalRequest,
    getSignal: GetSignalRequest,
    listSignals: ListSignalsRequest,
  },
};

export function createSignalClient(options: ClientOptions = {}): SignalClient {
  return createServiceClient(spec, resolveClientOptions(options, resolveAddress('signal', options.address)));
}

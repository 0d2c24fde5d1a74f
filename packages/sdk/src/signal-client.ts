import {
  BackfillRequest,
  GetBackfillRequest,
  GetRunLineageRequest,
  GetSignalLineageRequest,
  GetSignalRequest,
  GetTriggersRequest,
  ListSignalsRequest,
  PublishSignalRequest,
  SignalServiceClient,
  SignalServiceService,
} from '@baton/proto';
import { type ClientOptions, resolveClientOptions } from './client-options';
import { resolveAddress } from './service-addresses';
import { createServiceClient, type ServiceClient, type ServiceSpec } from './service-client';

/**
 * Promise client of baton.v1.SignalService: publish, get and list signals, triggers, backfill and
 * lineage. Signal params: build them with `toParamMap`.
 */
export type SignalClient = ServiceClient<SignalServiceService>;

const spec: ServiceSpec<SignalServiceService> = {
  definition: SignalServiceService,
  Client: SignalServiceClient,
  requests: {
    publishSignal: PublishSignalRequest,
    getSignal: GetSignalRequest,
    listSignals: ListSignalsRequest,
    getTriggers: GetTriggersRequest,
    backfill: BackfillRequest,
    getBackfill: GetBackfillRequest,
    getSignalLineage: GetSignalLineageRequest,
    getRunLineage: GetRunLineageRequest,
  },
};

export function createSignalClient(options: ClientOptions = {}): SignalClient {
  return createServiceClient(spec, resolveClientOptions(options, resolveAddress('signal', options.address)));
}

import { AuditServiceClient, AuditServiceService, ListAuditEventsRequest } from '@baton/proto';
import { type ClientOptions, resolveClientOptions } from './client-options';
import { createServiceClient, type ServiceClient, type ServiceSpec } from './service-client';

/**
 * Promise client of baton.v1.AuditService. Every service serves it on its public port with its own
 * record; `options.address` names which one (required: there is no single audit service).
 */
export type AuditClient = ServiceClient<AuditServiceService>;

const spec: ServiceSpec<AuditServiceService> = {
  definition: AuditServiceService,
  Client: AuditServiceClient,
  requests: { listAuditEvents: ListAuditEventsRequest },
};

export function createAuditClient(options: ClientOptions & { address: string }): AuditClient {
  return createServiceClient(spec, resolveClientOptions(options, options.address));
}

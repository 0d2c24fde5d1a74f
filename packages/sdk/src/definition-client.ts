import {
  ActivateVersionRequest,
  DeactivateWorkflowRequest,
  DefinitionServiceClient,
  DefinitionServiceService,
  DeleteWorkflowRequest,
  GetJobTemplateRequest,
  GetWorkflowRequest,
  ListJobTemplatesRequest,
  ListVersionsRequest,
  ListWorkflowTriggersRequest,
  ListWorkflowsRequest,
  PushJobTemplateRequest,
  PushWorkflowRequest,
  UpdatePropertiesRequest,
  ValidateWorkflowRequest,
} from '@baton/proto';
import { type ClientOptions, resolveClientOptions } from './client-options';
import { resolveAddress } from './service-addresses';
import { createServiceClient, type ServiceClient, type ServiceSpec } from './service-client';

/** Promise client of baton.v1.DefinitionService: push, validate, get, list, activate... */
export type DefinitionClient = ServiceClient<DefinitionServiceService>;

const spec: ServiceSpec<DefinitionServiceService> = {
  definition: DefinitionServiceService,
  Client: DefinitionServiceClient,
  requests: {
    pushWorkflow: PushWorkflowRequest,
    validateWorkflow: ValidateWorkflowRequest,
    getWorkflow: GetWorkflowRequest,
    listWorkflows: ListWorkflowsRequest,
    listVersions: ListVersionsRequest,
    activateVersion: ActivateVersionRequest,
    deactivateWorkflow: DeactivateWorkflowRequest,
    updateProperties: UpdatePropertiesRequest,
    deleteWorkflow: DeleteWorkflowRequest,
    listWorkflowTriggers: ListWorkflowTriggersRequest,
    pushJobTemplate: PushJobTemplateRequest,
    getJobTemplate: GetJobTemplateRequest,
    listJobTemplates: ListJobTemplatesRequest,
  },
};

export function createDefinitionClient(options: ClientOptions = {}): DefinitionClient {
  return createServiceClient(
    spec,
    resolveClientOptions(options, resolveAddress('definition', options.address)),
  );
}

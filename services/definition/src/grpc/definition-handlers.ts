import { BatonError, type CallContext, type UnaryHandler, actorName } from '@baton/kit';
import type {
  ActivateVersionRequest,
  ActivateVersionResponse,
  DeactivateWorkflowRequest,
  DeactivateWorkflowResponse,
  DeleteWorkflowRequest,
  DeleteWorkflowResponse,
  GetJobTemplateRequest,
  GetJobTemplateResponse,
  GetWorkflowRequest,
  GetWorkflowResponse,
  JobTemplateVersion,
  ListJobTemplatesRequest,
  ListJobTemplatesResponse,
  PushJobTemplateRequest,
  PushJobTemplateResponse,
  ListVersionsRequest,
  ListVersionsResponse,
  ListWorkflowTriggersRequest,
  ListWorkflowTriggersResponse,
  ListWorkflowsRequest,
  ListWorkflowsResponse,
  PushWorkflowRequest,
  PushWorkflowResponse,
  UpdatePropertiesRequest,
  UpdatePropertiesResponse,
  ValidateWorkflowRequest,
  ValidateWorkflowResponse,
} from '@baton/proto';
import type { TemplateService } from '../app/template-service';
import type { WorkflowService } from '../app/workflow-service';
import type { TemplateDoc } from '../store/template-store';
import { toProperties, toSummary, toTriggers, toVersion } from './mappers';

type Handlers = {
  PushWorkflow: UnaryHandler<PushWorkflowRequest, PushWorkflowResponse>;
  ValidateWorkflow: UnaryHandler<ValidateWorkflowRequest, ValidateWorkflowResponse>;
  GetWorkflow: UnaryHandler<GetWorkflowRequest, GetWorkflowResponse>;
  ListWorkflows: UnaryHandler<ListWorkflowsRequest, ListWorkflowsResponse>;
  ListVersions: UnaryHandler<ListVersionsRequest, ListVersionsResponse>;
  ActivateVersion: UnaryHandler<ActivateVersionRequest, ActivateVersionResponse>;
  DeactivateWorkflow: UnaryHandler<DeactivateWorkflowRequest, DeactivateWorkflowResponse>;
  UpdateProperties: UnaryHandler<UpdatePropertiesRequest, UpdatePropertiesResponse>;
  DeleteWorkflow: UnaryHandler<DeleteWorkflowRequest, DeleteWorkflowResponse>;
  ListWorkflowTriggers: UnaryHandler<ListWorkflowTriggersRequest, ListWorkflowTriggersResponse>;
  PushJobTemplate: UnaryHandler<PushJobTemplateRequest, PushJobTemplateResponse>;
  GetJobTemplate: UnaryHandler<GetJobTemplateRequest, GetJobTemplateResponse>;
  ListJobTemplates: UnaryHandler<ListJobTemplatesRequest, ListJobTemplatesResponse>;
};

function toTemplate(d: TemplateDoc): JobTemplateVersion {
  return {
    subType: d.sub_type,
    version: d.version,
    type: d.type,
    description: d.description,
    templateJson: d.template_json,
    createdAt: d.created_at,
    createdBy: d.created_by,
  };
}

/**
 * Who made a change: the token's principal when the caller has one; in dev mode (no auth) the
 * request's user field, else the x-user metadata, else "anonymous".
 */
function userOf(given: string, ctx: CallContext): string {
  const md = ctx.metadata.get('x-user')[0];
  return actorName(ctx.principal, given || (typeof md === 'string' ? md : ''), 'anonymous');
}

/**
 * Proto ↔ domain mapping only; the rules live in WorkflowService. `changed` runs after every
 * stored change of a workflow, before the answer: it replaces the workflow's definition stamp, so
 * a scheduler that cached what the workflow resolves to sees the change on its next start. If it
 * fails the call fails (UNAVAILABLE): the change is stored, and repeating the call (every one of
 * these is idempotent) announces it.
 */
export function definitionHandlers(
  svc: WorkflowService,
  templates: TemplateService,
  changed: (workflowId: string) => Promise<void> = async () => {},
): Handlers {
  const announce = async (workflowId: string) => {
    try {
      await changed(workflowId);
    } catch (err) {
      throw new BatonError(
        'UNAVAILABLE',
        `the change to ${workflowId} is stored but could not be announced (${String(err)}); repeat the call`,
      );
    }
  };
  return {
    PushJobTemplate: async (req, ctx) => {
      const { doc, created } = await templates.push(req.templateJson, userOf('', ctx));
      return { subType: doc.sub_type, version: doc.version, created };
    },
    GetJobTemplate: async (req) => ({ template: toTemplate(await templates.get(req.subType, req.version)) }),
    ListJobTemplates: async (req) => {
      const page = await templates.list(req.prefix, req.pageSize, req.pageToken);
      return { templates: page.items.map(toTemplate), nextPageToken: page.nextPageToken };
    },
    PushWorkflow: async (req, ctx) => {
      const out = await svc.push(req.definitionJson, userOf(req.user, ctx));
      await announce(out.workflowId);
      return {
        workflowId: out.workflowId,
        version: String(out.version),
        created: out.created,
        activeVersion: String(out.activeVersion),
        propertiesSnapshot: String(out.propertiesSnapshot),
        stepCount: out.stepCount,
      };
    },
    ValidateWorkflow: async (req) => {
      const out = await svc.validate(req.definitionJson);
      return {
        workflowId: out.workflowId,
        version: String(out.version),
        created: out.created,
        stepCount: out.stepCount,
      };
    },
    GetWorkflow: async (req) => {
      const state = await svc.get(req.workflowId, req.version);
      return {
        workflow: toVersion(state.version, state.activeVersion, true),
        properties: toProperties(state.snapshot),
      };
    },
    ListWorkflows: async (req) => {
      const page = await svc.listWorkflows({
        pageSize: req.pageSize,
        pageToken: req.pageToken,
        owner: req.owner,
        tag: req.tag,
        idPrefix: req.idPrefix,
      });
      return { workflows: page.items.map(toSummary), nextPageToken: page.nextPageToken };
    },
    ListVersions: async (req) => {
      const page = await svc.listVersions(req.workflowId, req.pageSize, req.pageToken);
      return {
        versions: page.items.map((v) => toVersion(v, page.activeVersion, false)),
        nextPageToken: page.nextPageToken,
      };
    },
    ActivateVersion: async (req, ctx) => {
      const out = await svc.activate(req.workflowId, req.version, userOf('', ctx));
      await announce(req.workflowId);
      return {
        workflowId: req.workflowId,
        activeVersion: String(out.activeVersion),
        previousActiveVersion: String(out.previousActiveVersion),
        changed: out.changed,
      };
    },
    DeactivateWorkflow: async (req, ctx) => {
      const out = await svc.deactivate(req.workflowId, userOf('', ctx));
      await announce(req.workflowId);
      return {
        workflowId: req.workflowId,
        previousActiveVersion: String(out.previousActiveVersion),
        changed: out.changed,
      };
    },
    UpdateProperties: async (req, ctx) => {
      const snapshot = await svc.updateProperties(req.workflowId, req.propertiesJson, userOf(req.user, ctx));
      await announce(req.workflowId);
      return { properties: toProperties(snapshot) };
    },
    DeleteWorkflow: async (req) => {
      const deleted = await svc.delete(req.workflowId);
      await announce(req.workflowId);
      return { workflowId: req.workflowId, deletedVersions: String(deleted) };
    },
    ListWorkflowTriggers: async (req) => {
      const page = await svc.listTriggers({
        pageSize: req.pageSize,
        pageToken: req.pageToken,
        changedSince: req.changedSince,
      });
      return { workflows: page.items.map(toTriggers), nextPageToken: page.nextPageToken };
    },
  };
}

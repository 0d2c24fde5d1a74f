import { type Principal, type Role, roleCovers } from './principal';

/**
 * One table maps every public RPC to the role it needs and to the target it acts on (a workflow id
 * or a signal name, read from the request). A service refuses to start when one of its public
 * methods is missing here, so a new RPC cannot ship without a permission.
 */
export interface Rule {
  role: Role;
  /** Mutating calls are audited. */
  mutates: boolean;
  /**
   * The target of the call. `undefined` means the call names no single namespace (a list over
   * everything): it needs a grant on every namespace, i.e. one with the empty prefix. `null` means
   * the target could not be read from the request: any grant of the role lets the call through to
   * the handler, which then refuses the malformed request itself.
   */
  target: (req: Record<string, unknown>) => string | null | undefined;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const workflow = (req: Record<string, unknown>) => str(req.workflowId);
const ref = (req: Record<string, unknown>) => {
  const r = req.ref as Record<string, unknown> | undefined;
  if (r && str(r.workflowId)) return str(r.workflowId);
  // GetInstance also takes `key` (wf:instance:run); a workflow id has no ':'.
  const key = str(req.key);
  return key ? key.split(':')[0]! : null;
};
const signal = (req: Record<string, unknown>) => str(req.name);
/** The workflow id inside a pushed definition; null when it cannot be read. */
const definitionId = (req: Record<string, unknown>) => {
  try {
    const doc = JSON.parse(str(req.definitionJson)) as Record<string, unknown>;
    const wf = (doc?.workflow ?? doc) as Record<string, unknown>;
    return typeof wf?.id === 'string' && wf.id ? wf.id : null;
  } catch {
    return null;
  }
};
/** An attempt key is wf:instance:run:step:attempt. */
const attempt = (req: Record<string, unknown>) => str(req.attemptKey).split(':')[0] || null;
const everything = () => undefined;

const read = (target: Rule['target']): Rule => ({ role: 'viewer', mutates: false, target });
const operate = (target: Rule['target']): Rule => ({ role: 'operator', mutates: true, target });
const administer = (target: Rule['target']): Rule => ({ role: 'admin', mutates: true, target });

export const PERMISSIONS: Readonly<Record<string, Rule>> = {
  '/baton.v1.DefinitionService/PushWorkflow': administer(definitionId),
  '/baton.v1.DefinitionService/ValidateWorkflow': read(definitionId),
  '/baton.v1.DefinitionService/GetWorkflow': read(workflow),
  '/baton.v1.DefinitionService/ListWorkflows': read((r) => str(r.idPrefix) || undefined),
  '/baton.v1.DefinitionService/ListVersions': read(workflow),
  '/baton.v1.DefinitionService/ActivateVersion': administer(workflow),
  '/baton.v1.DefinitionService/DeactivateWorkflow': administer(workflow),
  '/baton.v1.DefinitionService/UpdateProperties': administer(workflow),
  '/baton.v1.DefinitionService/DeleteWorkflow': administer(workflow),
  // The signal service's feed of every trigger.
  '/baton.v1.DefinitionService/ListWorkflowTriggers': read(everything),
  // A job template feeds steps of every namespace: changing one takes admin on all of them.
  '/baton.v1.DefinitionService/PushJobTemplate': administer(everything),
  '/baton.v1.DefinitionService/GetJobTemplate': read(() => null),
  '/baton.v1.DefinitionService/ListJobTemplates': read(() => null),

  '/baton.v1.SchedulerService/StartWorkflow': operate(workflow),
  '/baton.v1.SchedulerService/GetInstance': read(ref),
  '/baton.v1.SchedulerService/ListInstances': read(workflow),
  '/baton.v1.SchedulerService/WatchInstance': read(ref),
  '/baton.v1.SchedulerService/StopInstance': operate(ref),
  '/baton.v1.SchedulerService/PauseInstance': operate(ref),
  '/baton.v1.SchedulerService/ResumeInstance': operate(ref),
  '/baton.v1.SchedulerService/KillInstance': operate(ref),
  // Every change of the workflows under the prefix (none: of every workflow).
  '/baton.v1.SchedulerService/WatchChanges': read((r) => str(r.workflowIdPrefix) || undefined),
  '/baton.v1.SchedulerService/RestartInstance': operate(ref),
  '/baton.v1.SchedulerService/PauseWorkflow': operate(workflow),
  '/baton.v1.SchedulerService/ResumeWorkflow': operate(workflow),
  '/baton.v1.SchedulerService/UnblockWorkflow': operate(workflow),
  // A tag permit caps steps of every namespace: setting one takes admin on all of them.
  '/baton.v1.SchedulerService/SetTagPermit': administer(everything),
  '/baton.v1.SchedulerService/DeleteTagPermit': administer(everything),
  // Tag names and counts, no workflow's data: any viewer.
  '/baton.v1.SchedulerService/ListTagPermits': read(() => null),
  '/baton.v1.SchedulerService/GetStepRun': read(ref),
  '/baton.v1.SchedulerService/ListStepRuns': read(ref),
  '/baton.v1.SchedulerService/ListIterations': read(ref),
  '/baton.v1.SchedulerService/StopStep': operate(ref),
  '/baton.v1.SchedulerService/SkipStep': operate(ref),
  '/baton.v1.SchedulerService/RestartStep': operate(ref),
  '/baton.v1.SchedulerService/BypassSignalDependencies': operate(ref),
  '/baton.v1.SchedulerService/ResumeStep': operate(ref),
  '/baton.v1.SchedulerService/SetBreakpoint': operate(workflow),
  '/baton.v1.SchedulerService/ListBreakpoints': read(workflow),
  '/baton.v1.SchedulerService/DeleteBreakpoint': operate(workflow),

  '/baton.v1.SignalService/PublishSignal': operate(signal),
  '/baton.v1.SignalService/GetSignal': read(signal),
  '/baton.v1.SignalService/ListSignals': read(signal),
  '/baton.v1.SignalService/GetTriggers': read(workflow),
  '/baton.v1.SignalService/Backfill': operate(workflow),
  // A backfill id names no workflow: any viewer may look one up by its unguessable id.
  '/baton.v1.SignalService/GetBackfill': read(() => null),
  '/baton.v1.SignalService/GetSignalLineage': read(signal),
  '/baton.v1.SignalService/GetRunLineage': read(workflow),

  '/baton.v1.StepRuntimeService/GetStepLogs': read(workflow),
  '/baton.v1.StepRuntimeService/CancelAttempt': operate(attempt),
  '/baton.v1.StepRuntimeService/GetStepArtifact': read(workflow),

  '/baton.v1.AuditService/ListAuditEvents': {
    role: 'admin',
    mutates: false,
    target: (r) => str(r.targetPrefix) || undefined,
  },
};

export interface Decision {
  allowed: boolean;
  /** What is missing, for PERMISSION_DENIED: e.g. `operator on "etl.daily"`. */
  missing?: string;
  target: string;
}

/** Whether the principal may make a call with this rule on this request. Pure. */
export function authorize(principal: Principal, rule: Rule, request: unknown): Decision {
  const target = rule.target((request ?? {}) as Record<string, unknown>);
  const grants = principal.grants.filter((g) => roleCovers(g.role, rule.role));
  if (target === null) {
    return grants.length > 0
      ? { allowed: true, target: '' }
      : { allowed: false, missing: `${rule.role} on any namespace`, target: '' };
  }
  if (target === undefined) {
    return grants.some((g) => g.prefix === '')
      ? { allowed: true, target: '' }
      : { allowed: false, missing: `${rule.role} on every namespace`, target: '' };
  }
  return grants.some((g) => target.startsWith(g.prefix))
    ? { allowed: true, target }
    : { allowed: false, missing: `${rule.role} on "${target}"`, target };
}

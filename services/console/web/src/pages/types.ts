// The shapes the console API answers (ts-proto's JSON form of the services' messages): only the
// fields the pages read. ts-proto leaves out fields holding their default value, so every field is
// optional; int64 values come as decimal strings, Timestamps as ISO strings.

/** ParamValue as JSON: exactly one of these keys. */
export interface ParamValueJson {
  stringValue?: string;
  longValue?: string;
  doubleValue?: number;
  booleanValue?: boolean;
  stringArray?: { values?: string[] };
  longArray?: { values?: string[] };
  doubleArray?: { values?: number[] };
  booleanArray?: { values?: boolean[] };
  stringMap?: { values?: Record<string, string> };
  mapValue?: Record<string, unknown>;
}
export type ParamsJson = Record<string, ParamValueJson>;

export interface InstanceRef {
  workflowId?: string;
  instanceId?: string;
  runId?: string;
}

export interface SignalRef {
  name?: string;
  seq?: string;
  params?: ParamsJson;
}

export interface Initiator {
  type?: string;
  name?: string;
  triggerTime?: string;
  triggerId?: string;
  signals?: SignalRef[];
}

export interface TimelineEntry {
  time?: string;
  stepId?: string;
  status?: string;
  message?: string;
}

export interface ParamFilter {
  param?: string;
  operator?: string;
  value?: ParamValueJson;
}

export interface SignalDependencyState {
  name?: string;
  match?: ParamFilter[];
  matched?: SignalRef;
  bypassed?: boolean;
}

export interface StepRunSummary {
  stepId?: string;
  stepType?: string;
  status?: string;
  attempts?: number;
  startedAt?: string;
  endedAt?: string;
  outputs?: ParamsJson;
  error?: string;
  iterationCounts?: Record<string, string>;
  child?: InstanceRef;
  childKey?: string;
  signalDependencies?: SignalDependencyState[];
  signalOutputs?: SignalRef[];
  omittedOutputs?: string[];
  permitTag?: string;
  breakpointId?: string;
}

export interface Instance {
  ref?: InstanceRef;
  workflowVersion?: string;
  status?: string;
  params?: ParamsJson;
  steps?: StepRunSummary[];
  timeline?: TimelineEntry[];
  stepCounts?: Record<string, string>;
  initiator?: Initiator;
  createdAt?: string;
  startedAt?: string;
  endedAt?: string;
  parent?: InstanceRef;
  parentStepId?: string;
  error?: string;
  key?: string;
  parentKey?: string;
  omittedParams?: string[];
}

export interface StepAttempt {
  attemptId?: number;
  attemptKey?: string;
  status?: string;
  errorKind?: string;
  error?: string;
  startedAt?: string;
  endedAt?: string;
  worker?: string;
  outputs?: ParamsJson;
}

export interface StepRun {
  ref?: InstanceRef;
  summary?: StepRunSummary;
  params?: ParamsJson;
  attempts?: StepAttempt[];
  timeline?: TimelineEntry[];
  omittedParams?: string[];
}

export interface Iteration {
  index?: string;
  status?: string;
  childKey?: string;
  startedAt?: string;
  endedAt?: string;
}

export interface WorkflowSummary {
  workflowId?: string;
  name?: string;
  owner?: string;
  tags?: string[];
  latestVersion?: string;
  activeVersion?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface WorkflowVersion {
  workflowId?: string;
  version?: string;
  name?: string;
  description?: string;
  definitionJson?: string;
  stepCount?: number;
  active?: boolean;
  createdAt?: string;
  createdBy?: string;
  digest?: string;
}

export interface Properties {
  snapshot?: string;
  owner?: string;
  runStrategy?: { rule?: string; workflowConcurrency?: number };
  stepConcurrency?: number;
  tags?: string[];
  description?: string;
  timeTriggerDisabled?: boolean;
  signalTriggerDisabled?: boolean;
  propertiesJson?: string;
  updatedAt?: string;
  updatedBy?: string;
}

export interface Signal {
  name?: string;
  seq?: string;
  params?: ParamsJson;
  createdAt?: string;
  requestId?: string;
  payload?: unknown;
  producer?: {
    workflowId?: string;
    instanceId?: string;
    runId?: string;
    stepId?: string;
    attemptKey?: string;
  };
}

export interface LineageLink {
  signal?: SignalRef;
  workflowId?: string;
  instanceId?: string;
  runId?: string;
  stepId?: string;
  relation?: string;
  time?: string;
}

/** A workflow definition's JSON (the pushed `workflow` object), as far as the pages read it. */
export interface WorkflowJson {
  id?: string;
  name?: string;
  description?: string;
  params?: Record<string, ParamDefJson>;
  steps?: StepEntryJson[];
  [key: string]: unknown;
}

export interface ParamDefJson {
  value?: unknown;
  expression?: string;
  type?: string;
  mode?: string;
  description?: string;
}

/** One entry of `steps`: `{"step": {...}}`, `{"foreach": {...}}`, `{"while": ...}`, `{"subworkflow": ...}`, `{"template": ...}`. */
export type StepEntryJson = Record<string, StepBodyJson>;

export interface StepBodyJson {
  id?: string;
  type?: string;
  name?: string;
  steps?: StepEntryJson[];
  transition?: { successors?: Record<string, string> };
  [key: string]: unknown;
}

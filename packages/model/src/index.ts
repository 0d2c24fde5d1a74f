/**
 * @baton/model — the Maestro workflow definition format: parse, validate and normalize push
 * requests. Pure functions, no I/O.
 *
 * - `parsePushRequest(text, opts?)` → `{ok: true, request}` or `{ok: false, violations}` where each
 *   violation is `{field, description}` with a JSON path (`workflow.steps[2].step.id`, `$` = root).
 *   Every problem is reported at once. Pass `opts.checkExpression` to check SEL sources.
 * - `DEFINITION_LIMITS`: request size, step count, nesting depth, id and name lengths...
 * - `canonicalWorkflowJson(workflow)`: sorted-key JSON of a normalized workflow; equal text means an
 *   identical push (same version).
 * - `mergeProperties(previous, update)`: Maestro's properties-change merge; `propertiesToJson(p)`
 *   writes a snapshot back in Maestro's JSON shape.
 * - `INSTANCE_STATUSES`, `STEP_STATUSES`, `ATTEMPT_RESULTS` and their predicates: the one status
 *   vocabulary of the services and the CLI.
 * - `stepGraph(steps)` (roots, successors, predecessors of one nesting level), `findCycle(graph)`,
 *   `walkSteps(workflow, visit)` (every step with its path and depth): helpers for the scheduler.
 */
export { DEFINITION_LIMITS, type DefinitionLimits } from './limits';
export type { FieldViolation, ExpressionChecker, ExpressionKind, ExpressionProblem } from './violations';
export {
  parsePushRequest,
  type ValidateOptions,
  type PushRequest,
  type PushRequestResult,
  type GitInfo,
} from './push-request';
export type { WorkflowDef } from './workflow';
export type {
  StepDef,
  StepKind,
  StepCommon,
  StepTransition,
  TypedStepDef,
  ForeachStepDef,
  WhileStepDef,
  SubworkflowStepDef,
  TemplateStepDef,
} from './step-types';
export { STEP_KINDS } from './step-types';
export type { ParamDef, ParamMap } from './params';
export type { RetryPolicy, Backoff, ParsableNumber } from './retry-policy';
export type { Properties, Owner } from './properties';
export type { RunStrategy } from './run-strategy';
export { type Tag, tagNameProblem } from './tags';
export type { Duration } from './duration';
export { parseDurationText } from './duration';
export type { TimeTrigger, PredefinedSchedule } from './time-triggers';
export { isValidTimezone } from '@baton/schedule';
export type { SignalTrigger, SignalTriggerEntry, SignalDependency, SignalOutput } from './signals';
export { parseTriggerLists, type TriggerLists } from './trigger-lists';
export { SIGNAL_LIMITS, signalNameProblem, signalParamNameProblem } from './signal-limits';
export {
  type CatchUp,
  type CatchUpMode,
  CATCH_UP_MODES,
  DEFAULT_CATCH_UP,
  parseCatchUp,
  catchUpToJson,
} from './catch-up';
export {
  PARAM_TYPES,
  PARAM_MODES,
  STEP_TYPES,
  FAILURE_MODES,
  CRITICALITIES,
  RUN_STRATEGY_RULES,
  TAG_NAMESPACES,
  BACKOFF_TYPES,
  SIGNAL_OPERATORS,
  type ParamType,
  type ParamMode,
  type StepType,
  type FailureMode,
  type Criticality,
  type RunStrategyRule,
  type TagNamespace,
  type BackoffType,
  type SignalOperator,
} from './enums';
export { RESERVED_PARAM_NAMES } from './ids';
export { canonicalWorkflowJson, canonicalJson } from './canonical';
export { mergeProperties } from './merge-properties';
export { propertiesToJson } from './properties-json';
export { stepGraph, findCycle, type StepGraph } from './step-graph';
export { walkSteps, type StepLocation } from './walk-steps';
export {
  parsePropertiesChange,
  workflowIdViolations,
  type PropertiesChangeResult,
} from './properties-change';
export {
  type JobTemplate,
  type TemplateRef,
  SUB_TYPE,
  applyTemplates,
  parseJobTemplate,
  templateKey,
  templateRefs,
} from './job-templates';
export {
  type AlertingConfig,
  type Tct,
  ALERTING_LIMITS,
  alertingOf,
  parseAlerting,
  tctDeadline,
} from './alerting';
export {
  ATTEMPT_RESULTS,
  type AttemptResult,
  type AttemptStatus,
  INSTANCE_STATUSES,
  type InstanceStatus,
  STEP_STATUSES,
  type StepStatus,
  isBlocking,
  isDecided,
  isFailureStatus,
  isInstanceTerminal,
  isStepTerminal,
} from './statuses';

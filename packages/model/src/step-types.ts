import type { Duration } from './duration';
import type { FailureMode, StepType } from './enums';
import type { ParamMap } from './params';
import type { RetryPolicy } from './retry-policy';
import type { SignalDependency, SignalOutput } from './signals';
import type { Tag } from './tags';

/** Where a step goes next: successor step id → SEL condition (`"true"` for always). */
export interface StepTransition {
  successors: Record<string, string>;
  /** Optional in Maestro; when given it must equal the predecessors computed from the DAG. */
  predecessors?: string[];
}

/** Fields every kind of step shares (Maestro's AbstractStep). */
export interface StepCommon {
  id: string;
  name?: string;
  description?: string;
  params?: ParamMap;
  transition: StepTransition;
  failureMode?: FailureMode;
  tags?: Tag[];
  timeout?: Duration;
  signalDependencies?: SignalDependency[];
  signalOutputs?: SignalOutput[];
}

/** `{"step": {...}}`: a leaf step of a typed kind (NoOp, Sleep, Join, Shell, Python...). */
export interface TypedStepDef extends StepCommon {
  kind: 'step';
  /** Upper-cased step type. */
  type: StepType;
  subType?: string;
  retryPolicy?: RetryPolicy;
}

/** `{"foreach": {...}}`: runs `steps` once per combination of `loop_params` values. */
export interface ForeachStepDef extends StepCommon {
  kind: 'foreach';
  /** The MAP param `params.loop_params`, unwrapped: loop variable → its (array) definition. */
  loopParams: ParamMap;
  concurrency?: number;
  strictOrdering?: boolean;
  steps: StepDef[];
}

/** `{"while": {...}}`: runs `steps` again and again while `condition` holds (the only loop). */
export interface WhileStepDef extends StepCommon {
  kind: 'while';
  condition: string;
  /** The MAP param `params.loop_params`, unwrapped, when given. */
  loopParams?: ParamMap;
  steps: StepDef[];
}

/** `{"subworkflow": {...}}`: starts `params.subworkflow_id` at `params.subworkflow_version`. */
export interface SubworkflowStepDef extends StepCommon {
  kind: 'subworkflow';
  /** Wait for the child instance to finish (Maestro's default: true). */
  sync?: boolean;
  /** Pass only the declared params down rather than the parent's too. */
  explicitParams?: boolean;
}

/** `{"template": {...}}`: a step built from a registered job template. */
export interface TemplateStepDef extends StepCommon {
  kind: 'template';
  subType: string;
  subTypeVersion?: string;
}

/** A step of any kind, told apart by `kind` (the wrapper key in JSON). */
export type StepDef = TypedStepDef | ForeachStepDef | WhileStepDef | SubworkflowStepDef | TemplateStepDef;

export type StepKind = StepDef['kind'];

export const STEP_KINDS: readonly StepKind[] = ['step', 'foreach', 'while', 'subworkflow', 'template'];

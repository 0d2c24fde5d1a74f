import type { ParamMap, RetryPolicy, StepDef, WorkflowDef } from '@baton/model';
import type { JsonValue } from './json';

/**
 * Engine settings decide reads. Every field has a documented default (ENGINE_DEFAULTS); the shell
 * validates its configuration once at start-up and passes the merged object.
 */
export interface EngineConfig {
  /**
   * Retry policy for steps that give none, field by field (Maestro's defaults: user errors 2
   * retries, platform errors 10, timeouts 0; exponential backoff from 60 s with exponent 2, capped
   * at 600 s for user errors and 3600 s for platform errors and timeouts).
   */
  defaultRetryPolicy: Required<Omit<RetryPolicy, 'backoff'>> & {
    backoff: NonNullable<RetryPolicy['backoff']>;
  };
  /** Step timeout when a step gives none, in seconds; undefined = no limit. */
  defaultStepTimeoutSeconds?: number;
  /** Params every step of a type gets before its own (Maestro's step defaults), by upper-case type. */
  stepDefaults: Record<string, ParamMap>;
  /** Work pool of a dispatched step whose params name none (`pool`). */
  defaultPool: string;
  /** foreach concurrency when the step gives none (issue 5: 20). */
  defaultForeachConcurrency: number;
  /** Upper bound on foreach concurrency (issue 5: configurable up to 1,000). */
  maxForeachConcurrency: number;
  /** Upper bound on foreach iterations (the product of the loop arrays). */
  maxForeachIterations: number;
  /** Nesting depth of child instances (subworkflow/foreach/while), as Maestro's limit of 10. */
  maxDepth: number;
  /** Iterations a while loop may run; one more ends the step USER_FAILED (issue 5: 100,000). */
  maxWhileIterations: number;
}

export const ENGINE_DEFAULTS: EngineConfig = {
  defaultRetryPolicy: {
    errorRetryLimit: 2,
    platformRetryLimit: 10,
    timeoutRetryLimit: 0,
    backoff: {
      type: 'EXPONENTIAL_BACKOFF',
      errorRetryBackoffInSecs: 60,
      errorRetryExponent: 2,
      errorRetryLimitInSecs: 600,
      platformRetryBackoffInSecs: 60,
      platformRetryExponent: 2,
      platformRetryLimitInSecs: 3600,
      timeoutRetryBackoffInSecs: 60,
      timeoutRetryExponent: 2,
      timeoutRetryLimitInSecs: 3600,
    },
  },
  stepDefaults: {},
  defaultPool: 'default',
  defaultForeachConcurrency: 20,
  maxForeachConcurrency: 1000,
  maxForeachIterations: 100_000,
  maxDepth: 10,
  maxWhileIterations: 100_000,
};

/**
 * What an instance runs. The definition is the normalized `WorkflowDef` of the run's pinned version;
 * for a child instance (a foreach/while iteration) `steps` is the nested list the iteration runs.
 * Keep the same `steps` array object across calls: decide caches its compiled plan per array.
 */
export interface DecideContext {
  workflow: WorkflowDef;
  /** The step list of this instance's level; default `workflow.steps`. */
  steps?: readonly StepDef[];
  /** properties.step_concurrency: dispatched steps of the instance at once (min with instance_step_concurrency). */
  stepConcurrency?: number;
  /** The definition version the run pinned (breakpoints may name one). */
  version?: number;
  /** The breakpoints of this workflow (see BreakpointRule); absent = none. */
  breakpoints?: readonly BreakpointRule[];
  /** Workflow ids of the enclosing instances, outermost first (recursion is reported by name). */
  ancestors?: readonly string[];
  config?: Partial<EngineConfig>;
  /**
   * `params.getFromForeach(foreachStep, innerStep, param)`: the per-iteration values, in iteration
   * order (null where an iteration has no such value). The parent keeps no per-iteration data
   * (O(1) state), so the shell answers from the child instances, synchronously: it prefetches
   * before calling decide. decide asks only about a foreach step of this level that is SUCCEEDED or
   * COMPLETED_WITH_ERROR (its iterations have all ended, so the answer can no longer change and a
   * re-applied decision sees the same values); `undefined` = unknown, and the expression fails.
   * See `foreachIterationValue` for what one iteration's value is.
   */
  foreachValues?: (foreachStepId: string, innerStepId: string, param: string) => JsonValue[] | undefined;
}

export function configOf(ctx: DecideContext): EngineConfig {
  return ctx.config ? { ...ENGINE_DEFAULTS, ...ctx.config } : ENGINE_DEFAULTS;
}

export function stepsOf(ctx: DecideContext): readonly StepDef[] {
  return ctx.steps ?? ctx.workflow.steps;
}

/** The dispatched-step bound of an instance, or Infinity. */
export function concurrencyLimit(ctx: DecideContext): number {
  const a = ctx.stepConcurrency ?? Infinity;
  const b = ctx.workflow.instanceStepConcurrency ?? Infinity;
  return Math.min(a, b);
}

/** The reserved tag of a workflow's step_concurrency: its leaf steps across all its runs. */
export function workflowPermitTag(workflowId: string): string {
  return `maestro_workflow:${workflowId}`;
}

/** The reserved tag of an instance tree's instance_step_concurrency (`key`: the tree's root run). */
export function instancePermitTag(key: string): string {
  return `maestro_instance:${key}`;
}

/** The tag a step held back by this instance's own bound waits on: the tighter of the two. */
export function localPermitTag(d: { ctx: DecideContext; snap: { key: string; workflowId: string } }): string {
  const wf = d.ctx.stepConcurrency ?? Infinity;
  const inst = d.ctx.workflow.instanceStepConcurrency ?? Infinity;
  if (wf <= inst) return workflowPermitTag(d.snap.workflowId);
  return instancePermitTag(d.snap.key.split(':').slice(0, 3).join(':'));
}

/**
 * A step breakpoint, as Maestro has them: set on a workflow's step, optionally narrowed to a
 * version, an instance, a run and an attempt (unset = all). An attempt it matches pauses before it
 * starts: the step shows PAUSED until it is resumed (ResumeStep) or the breakpoint is deleted. It
 * matches in every run of the step's level, so every iteration of a foreach pauses.
 */
export interface BreakpointRule {
  id: string;
  stepId: string;
  version?: number;
  instanceId?: number;
  runId?: number;
  attempt?: number;
}

/**
 * Hard limits on a workflow push request. The definition service, the CLI and the docs quote these
 * numbers; change them here only. They bound the work one push can cost (parse, validate, store) so a
 * single request stays well inside the push budget of one second.
 */
export const DEFINITION_LIMITS = {
  /** Maximum size of the request text in bytes (UTF-8), checked before parsing: 1 MiB. */
  maxRequestBytes: 1024 * 1024,
  /** Maximum number of steps in one definition, counting steps nested in foreach/while. */
  maxSteps: 10_000,
  /**
   * Maximum nesting depth of steps: a top-level step is at depth 1, a step inside a top-level
   * foreach/while at depth 2, and so on (Maestro's WORKFLOW_DEPTH_LIMIT).
   */
  maxDepth: 10,
  /** Maximum length of a workflow id, step id or param name (Maestro's ID_LENGTH_LIMIT). */
  maxIdLength: 128,
  /** Maximum length of a workflow name, step name or tag name (Maestro's NAME_LENGTH_LIMIT). */
  maxNameLength: 256,
  /** Maximum length of a description (Maestro's FIELD_SIZE_LIMIT). */
  maxDescriptionLength: 16_384,
  /** Maximum retry count per error class in a retry policy (Maestro's MAX_RETRY_LIMIT). */
  maxRetryLimit: 99,
  /** Maximum retry backoff in seconds (one day, as Maestro). */
  maxRetryBackoffSeconds: 24 * 3600,
  /** Maximum timeout of a workflow or step in seconds (120 days, as Maestro). */
  maxTimeoutSeconds: 120 * 24 * 3600,
  /**
   * Maximum nesting of JSON objects and arrays anywhere in the request. Ten step levels of
   * foreach/while take about 40, MAP params a few more; deeper input only serves to exhaust the
   * validator's stack, so it is refused with the path where it gets too deep.
   */
  maxJsonDepth: 128,
  /** Maximum sleep_seconds of a Sleep step (120 days, the longest timeout). */
  maxSleepSeconds: 120 * 24 * 3600,
  /** Maximum foreach concurrency (issue 5: up to 1,000; Maestro's FOREACH_CONCURRENCY_MAX_LIMIT is 500). */
  maxForeachConcurrency: 1000,
  /**
   * Maximum foreach iterations known at push time (the product of literal loop arrays; the
   * scheduler checks computed ones when the step starts, against its own configurable limit).
   */
  maxForeachIterations: 100_000,
  /**
   * properties.step_concurrency when unset (Maestro's default): leaf steps of one workflow running at
   * once across all its runs.
   */
  defaultStepConcurrency: 20,
  /** Maximum properties.step_concurrency (Maestro's STEP_CONCURRENCY_MAX_LIMIT). */
  maxStepConcurrency: 1000,
  /** Maximum run_strategy workflow_concurrency (Maestro's WORKFLOW_CONCURRENCY_MAX_LIMIT). */
  maxWorkflowConcurrency: 1000,
  /** workflow.instance_step_concurrency must be below this (Maestro's INSTANCE_STEP_CONCURRENCY_MAX_LIMIT). */
  maxInstanceStepConcurrency: 1000,
} as const;

export type DefinitionLimits = typeof DEFINITION_LIMITS;

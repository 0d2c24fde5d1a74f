import { RUN_STRATEGY_RULES, type RunStrategyRule, parseEnum } from './enums';
import { keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import { isObject, optInteger, rejectUnknownKeys } from './reader';
import { type Ctx, report } from './violations';

/** How instances of a workflow may overlap (Maestro's RunStrategy). */
export interface RunStrategy {
  rule: RunStrategyRule;
  /** Instances allowed to run at once; only PARALLEL may exceed 1. Unset means the rule's default. */
  workflowConcurrency?: number;
}

const KEYS = new Set(['rule', 'workflow_concurrency']);

/**
 * Reads a run strategy in any of Maestro's three forms: a rule name (`"sequential"`), a number
 * (parallel with that limit) or an object `{"rule": "parallel", "workflow_concurrency": 20}`.
 */
export function parseRunStrategy(ctx: Ctx, path: string, v: unknown): RunStrategy | undefined {
  const max = DEFINITION_LIMITS.maxWorkflowConcurrency;
  if (typeof v === 'string') {
    const rule = parseEnum(ctx, path, v, RUN_STRATEGY_RULES, 'run strategy rule');
    return rule ? { rule } : undefined;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > max) {
      report(ctx, path, `workflow concurrency must be a whole number between 1 and ${max}, got ${v}`);
      return undefined;
    }
    return { rule: 'PARALLEL', workflowConcurrency: v };
  }
  if (!isObject(v)) {
    report(ctx, path, 'run_strategy must be a rule name, a number or an object {rule, workflow_concurrency}');
    return undefined;
  }
  rejectUnknownKeys(ctx, path, v, KEYS);
  if (v.rule === undefined || v.rule === null) {
    report(ctx, keyPath(path, 'rule'), 'run strategy rule is required');
    return undefined;
  }
  const rule = parseEnum(ctx, keyPath(path, 'rule'), v.rule, RUN_STRATEGY_RULES, 'run strategy rule');
  const concurrency = optInteger(ctx, path, v, 'workflow_concurrency', 1, max);
  if (!rule) return undefined;
  if (concurrency !== undefined && concurrency > 1 && rule !== 'PARALLEL') {
    report(
      ctx,
      keyPath(path, 'workflow_concurrency'),
      `only the PARALLEL rule allows a workflow_concurrency above 1 (rule is ${rule})`,
    );
    return { rule };
  }
  return concurrency === undefined ? { rule } : { rule, workflowConcurrency: concurrency };
}

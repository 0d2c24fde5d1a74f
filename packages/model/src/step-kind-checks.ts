import { keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import type { ParamMap } from './params';
import { isObject } from './reader';
import type { StepsState } from './steps-state';
import { type Ctx, report } from './violations';

/**
 * Unwraps `params.loop_params` (a MAP param whose entries are the loop variables). Loop variable
 * names must not repeat those of an enclosing loop (Maestro's WorkflowConstraint).
 */
export function loopParamsOf(
  ctx: Ctx,
  base: string,
  params: ParamMap | undefined,
  required: boolean,
  state: StepsState,
): ParamMap | undefined {
  const lp = params?.loop_params;
  const path = keyPath(keyPath(base, 'params'), 'loop_params');
  if (!lp) {
    if (required)
      report(ctx, path, 'a foreach step needs params.loop_params (a MAP param of loop variables)');
    return undefined;
  }
  if (lp.type !== 'MAP' || lp.expression !== undefined || !isObject(lp.value)) {
    report(ctx, path, 'loop_params must be a MAP param with a literal value');
    return undefined;
  }
  const loopParams = lp.value as ParamMap;
  if (required) checkForeachArrays(ctx, keyPath(path, 'value'), loopParams);
  for (const name of Object.keys(loopParams)) {
    if (state.loopParamNames.has(name)) {
      report(
        ctx,
        keyPath(keyPath(path, 'value'), name),
        `loop param '${name}' is already a loop param of an enclosing loop`,
      );
    }
  }
  return loopParams;
}

/** A subworkflow step names its child in params, as Maestro does. */
export function checkSubworkflowParams(ctx: Ctx, base: string, params: ParamMap | undefined): void {
  const path = keyPath(base, 'params');
  const id = params?.subworkflow_id;
  if (!id) {
    report(ctx, keyPath(path, 'subworkflow_id'), 'a subworkflow step needs params.subworkflow_id (STRING)');
  } else if (id.type !== 'STRING') {
    report(ctx, keyPath(keyPath(path, 'subworkflow_id'), 'type'), 'subworkflow_id must be a STRING param');
  }
  const version = params?.subworkflow_version;
  if (version && typeof version.value === 'string' && !version.value.includes('$')) {
    if (!/^(latest|active|default|[1-9]\d*)$/i.test(version.value)) {
      report(
        ctx,
        keyPath(keyPath(path, 'subworkflow_version'), 'value'),
        "subworkflow_version must be 'latest', 'active', 'default' or a version number",
      );
    }
  }
}

/**
 * A foreach iterates over the product of its loop arrays: each loop param must have an array type
 * (a literal value that does not fit its type is reported by the param parser), and a product of
 * literal arrays must stay within the limit. Computed arrays are checked by the scheduler when the
 * step starts.
 */
function checkForeachArrays(ctx: Ctx, path: string, loopParams: ParamMap): void {
  // undefined once a factor is unknown at push time (computed, or not an array).
  let product: number | undefined = 1;
  for (const [name, p] of Object.entries(loopParams)) {
    if (!p.type.endsWith('_ARRAY')) {
      report(
        ctx,
        keyPath(keyPath(path, name), 'type'),
        `loop param '${name}' must be an array type (e.g. LONG_ARRAY), not ${p.type}`,
      );
    }
    product =
      product !== undefined && p.expression === undefined && Array.isArray(p.value)
        ? product * p.value.length
        : undefined;
  }
  if (product !== undefined && product > DEFINITION_LIMITS.maxForeachIterations) {
    report(
      ctx,
      path,
      `the loop arrays give ${product} iterations, over the limit of ${DEFINITION_LIMITS.maxForeachIterations}`,
    );
  }
}

/**
 * A literal sleep_seconds must be a real duration: a huge one (1e300) would arm a timer that can
 * never fire and overflows date arithmetic. Computed values are checked when the step starts.
 */
export function checkSleepSeconds(ctx: Ctx, base: string, params: ParamMap | undefined): void {
  const p = params?.sleep_seconds;
  if (!p || p.expression !== undefined || typeof p.value !== 'number') return;
  const max = DEFINITION_LIMITS.maxSleepSeconds;
  if (!Number.isFinite(p.value) || p.value < 0 || p.value > max) {
    report(
      ctx,
      keyPath(keyPath(keyPath(base, 'params'), 'sleep_seconds'), 'value'),
      `sleep_seconds must be from 0 to ${max} (120 days), got ${p.value}`,
    );
  }
}

import { DEFINITION_LIMITS } from './limits';
import { type Ctx, report } from './violations';

// Maestro reserves these for its own inline workflows, steps and params.
const RESERVED_PREFIX = 'maestro_';
const RESERVED_SUFFIX = '_maestro';

const WORKFLOW_ID = /^[_a-zA-Z0-9][.\-_a-zA-Z0-9]*$/;
const REFERENCE_ID = /^[_a-zA-Z][.\-_a-zA-Z0-9]*$/;
const TAG_NAME = /^[\w .,:@&='(){}$+[\]\-/\\]+$/;

/**
 * Param names that Maestro reserves (its RESERVED_PARAM_NAMES): they would shadow the SEL globals
 * or the engine's own params.
 */
export const RESERVED_PARAM_NAMES: ReadonlySet<string> = new Set([
  'maestro',
  'Maestro',
  'MAESTRO',
  'scheduler',
  'Scheduler',
  'SCHEDULER',
  'util',
  'Util',
  'UTIL',
  'params',
  'Params',
  'PARAMS',
  'AUTH_BLOB',
  'AUTH_DATA',
  'AUTH_ACTING_ON_BEHALF_OF_BLOB',
  'AUTH_TRIGGERING_ON_BEHALF_OF_BLOB',
  'AUTHORIZED_MANAGERS',
]);

/** Workflow ids: Maestro's MaestroIdConstraint. Returns true when valid. */
export function checkWorkflowId(ctx: Ctx, path: string, id: string): boolean {
  if (id.length === 0) return fail(ctx, path, 'workflow id cannot be empty');
  if (id.length > DEFINITION_LIMITS.maxIdLength) {
    return fail(
      ctx,
      path,
      `id is ${id.length} characters, over the limit of ${DEFINITION_LIMITS.maxIdLength}`,
    );
  }
  if (!WORKFLOW_ID.test(id)) {
    return fail(ctx, path, `workflow id '${id}' must match ${WORKFLOW_ID.source}`);
  }
  return checkReserved(ctx, path, id, 'workflow id', true);
}

/** Step ids and param names: Maestro's MaestroReferenceIdConstraint. Returns true when valid. */
export function checkReferenceId(ctx: Ctx, path: string, id: string, what: string): boolean {
  if (id.length === 0) return fail(ctx, path, `${what} cannot be empty`);
  if (id.length > DEFINITION_LIMITS.maxIdLength) {
    return fail(
      ctx,
      path,
      `${what} is ${id.length} characters, over the limit of ${DEFINITION_LIMITS.maxIdLength}`,
    );
  }
  if (!REFERENCE_ID.test(id)) return fail(ctx, path, `${what} '${id}' must match ${REFERENCE_ID.source}`);
  // Maestro uses `__` to address a step's param from another step (`job1__sleep_seconds`).
  if (id.includes('__')) return fail(ctx, path, `${what} '${id}' cannot contain '__'`);
  return checkReserved(ctx, path, id, what, false);
}

/** Names of workflows and steps: a length limit only. */
export function checkNameLength(ctx: Ctx, path: string, name: string): boolean {
  if (name.length > DEFINITION_LIMITS.maxNameLength) {
    return fail(
      ctx,
      path,
      `name is ${name.length} characters, over the limit of ${DEFINITION_LIMITS.maxNameLength}`,
    );
  }
  return true;
}

/** Tag names: Maestro's MaestroNameConstraint. */
export function checkTagName(ctx: Ctx, path: string, name: string): boolean {
  if (name.trim().length === 0) return fail(ctx, path, 'tag name cannot be empty or blank');
  if (!checkNameLength(ctx, path, name)) return false;
  if (!TAG_NAME.test(name))
    return fail(ctx, path, `tag name '${name}' has characters outside ${TAG_NAME.source}`);
  return checkReserved(ctx, path, name, 'tag name', true);
}

function checkReserved(ctx: Ctx, path: string, id: string, what: string, suffixToo: boolean): boolean {
  const lower = id.toLowerCase();
  if (lower.startsWith(RESERVED_PREFIX)) {
    return fail(ctx, path, `${what} '${id}' cannot start with the reserved prefix '${RESERVED_PREFIX}'`);
  }
  if (suffixToo && lower.endsWith(RESERVED_SUFFIX)) {
    return fail(ctx, path, `${what} '${id}' cannot end with the reserved suffix '${RESERVED_SUFFIX}'`);
  }
  return true;
}

function fail(ctx: Ctx, path: string, description: string): false {
  report(ctx, path, description);
  return false;
}

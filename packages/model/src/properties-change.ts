import { checkWorkflowId } from './ids';
import { parseJsonText } from './json-text';
import { DEFINITION_LIMITS } from './limits';
import { type Properties, parseProperties } from './properties';
import { type Ctx, type FieldViolation, report } from './violations';

export type PropertiesChangeResult =
  | { ok: true; properties: Properties }
  | { ok: false; violations: FieldViolation[] };

/**
 * Parses a properties change given on its own (UpdateProperties), with the same rules and
 * paths as the `properties` object of a push request, rooted at `properties`.
 */
export function parsePropertiesChange(text: string): PropertiesChangeResult {
  const ctx: Ctx = { violations: [] };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > DEFINITION_LIMITS.maxRequestBytes) {
    report(
      ctx,
      'properties',
      `the properties are ${bytes} bytes, over the limit of ${DEFINITION_LIMITS.maxRequestBytes}`,
    );
    return { ok: false, violations: ctx.violations };
  }
  const json = parseJsonText(text);
  if (!json.ok) {
    report(ctx, 'properties', `malformed JSON at line ${json.line}, column ${json.column}: ${json.message}`);
    return { ok: false, violations: ctx.violations };
  }
  const properties = parseProperties(ctx, 'properties', json.value);
  if (ctx.violations.length > 0 || !properties) return { ok: false, violations: ctx.violations };
  return { ok: true, properties };
}

/** Checks a workflow id given in a request (Get, Activate, Delete...) by the push rules. */
export function workflowIdViolations(id: string, field = 'workflow_id'): FieldViolation[] {
  const ctx: Ctx = { violations: [] };
  if (id === '') report(ctx, field, 'is required');
  else checkWorkflowId(ctx, field, id);
  return ctx.violations;
}

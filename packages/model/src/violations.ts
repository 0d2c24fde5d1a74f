/** One problem found in a push request, at a JSON path such as `workflow.steps[2].step.id`. */
export interface FieldViolation {
  /** JSON path of the offending value; `$` for the request as a whole. */
  field: string;
  description: string;
}

/** What an injected expression checker reports for one source text. */
export interface ExpressionProblem {
  message: string;
  line?: number;
  column?: number;
}

/** Which grammar a source text is checked against. */
export type ExpressionKind = 'expression' | 'condition' | 'interpolation';

/** Checks SEL source text; injected so that this package stays free of the SEL implementation. */
export type ExpressionChecker = (source: string, kind: ExpressionKind) => ExpressionProblem[];

/**
 * Validation state threaded through the parsers. Every parser reports into `violations` and keeps
 * going, so that one push reports every problem at once.
 */
export interface Ctx {
  readonly violations: FieldViolation[];
  readonly checkExpression?: ExpressionChecker;
}

export function report(ctx: Ctx, field: string, description: string): void {
  ctx.violations.push({ field: field === '' ? '$' : field, description });
}

/** Runs the injected checker (if any) and turns its problems into violations at `field`. */
export function checkSource(ctx: Ctx, field: string, source: string, kind: ExpressionKind): void {
  if (!ctx.checkExpression) return;
  for (const p of ctx.checkExpression(source, kind)) {
    const where = p.line !== undefined ? ` (line ${p.line}, column ${p.column ?? 1})` : '';
    report(ctx, field, p.message + where);
  }
}

/** Strings containing `$` are interpolated at run time (`${name}`, `$name`); check them when asked. */
export function checkInterpolation(ctx: Ctx, field: string, value: string): void {
  if (value.includes('$')) checkSource(ctx, field, value, 'interpolation');
}

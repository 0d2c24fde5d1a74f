import type { ExpressionChecker } from '@baton/model';
import { validate, validateInterpolation } from '@baton/sel';

/**
 * Checks every SEL source and `$` interpolation of a pushed definition with the
 * SEL package's static validator (syntax, types, unknown methods, size and depth
 * limits). Parameter names are not checked here: a name may come from run params
 * or an upstream step's outputs, which only exist at run time.
 */
export const selChecker: ExpressionChecker = (source, kind) =>
  kind === 'interpolation' ? validateInterpolation(source).errors : validate(source).errors;

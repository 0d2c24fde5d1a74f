import { SelError, scanInterpolation } from '@baton/sel';
import type { JsonValue } from './json';

/**
 * `${name}` in the script of a Shell or Python step. Maestro splices the value into the script text
 * as is, so a param `$(id)` runs `id`. Here a value is spliced as text only when it cannot change the
 * script's syntax in any context (letters, digits and a few punctuation marks: dates, numbers, ids,
 * paths); anything else is handled per language:
 *
 * - Shell: the value is assigned, single-quoted, to a variable `__baton_vN` on a first line added to
 *   the script, and the reference becomes `${__baton_vN}`. bash expands it like the text it replaces
 *   (inside double quotes as one word, unquoted with word splitting) but never parses it as code.
 *   Inside single quotes it is not expanded (write `"${name}"` there).
 * - Python: the step fails with a message saying how to read the value instead (os.environ or
 *   BATON_PARAMS_FILE): no quoting is right in every Python context (strings, f-strings, code).
 *
 * - Command (the `docker.command` of a Docker step): plain values only, as for Shell; any other
 *   value fails the step, saying to read it from the environment instead. There is no raw mode.
 * - SQL (the `sql.statements` of a SQL step): values that are not plain identifiers, numbers or dates
 *   fail the step, saying to pass them in `sql.bind` as query parameters instead. There is no raw mode.
 *
 * A Shell or Python step asks for Maestro's raw splicing explicitly with the step param
 * `script_interpolation: "raw"`; it then trusts every value its script refers to.
 */
export type ScriptLanguage = 'Shell' | 'Python' | 'SQL' | 'Command';

/** Values that mean the same as text in every shell and Python context. */
const SHELL_SAFE = /^[A-Za-z0-9_.,:/@+-]*$/;
const PYTHON_SAFE = /^[A-Za-z0-9_.,:/@+ -]*$/;
/** SQL: identifiers, numbers and dates only — no quote, space, comment (`--`, `/*`, `#`) or `;`. */
const SQL_SAFE = /^(?!.*--)[A-Za-z0-9_.-]*$/;
const SAFE: Record<ScriptLanguage, RegExp> = {
  Shell: SHELL_SAFE,
  Python: PYTHON_SAFE,
  SQL: SQL_SAFE,
  Command: SHELL_SAFE,
};

export class ScriptInterpolationError extends Error {}

export function interpolateScript(
  language: ScriptLanguage,
  text: string,
  lookup: (name: string) => JsonValue | undefined,
): string {
  const assignments: string[] = [];
  let out = '';
  for (const part of scanInterpolation(text)) {
    if (part.literal !== undefined) {
      out += part.literal;
      continue;
    }
    const name = part.name as string;
    const value = lookup(name);
    if (value === undefined)
      throw new SelError('INTERPOLATION', `unknown parameter '${name}' in interpolation`, 1, part.offset + 1);
    const rendered = render(value);
    if (SAFE[language].test(rendered)) {
      out += rendered;
      continue;
    }
    if (language === 'Command') {
      throw new ScriptInterpolationError(
        `the value of '${name}' cannot be spliced into docker.command safely (an argument may be ` +
          `a shell script); read it from the environment (step params are exported) or BATON_PARAMS_FILE`,
      );
    }
    if (language === 'SQL') {
      throw new ScriptInterpolationError(
        `the value of '${name}' cannot be spliced into SQL text safely; put it in the MAP param ` +
          `sql.bind and write :${name.replace(/\W/g, '_')} in the statement (a query parameter)`,
      );
    }
    if (language === 'Python') {
      throw new ScriptInterpolationError(
        `the value of '${name}' cannot be spliced into Python source safely (it holds quotes, ` +
          `newlines or other code characters); read it with os.environ or from BATON_PARAMS_FILE, ` +
          `or set the step param script_interpolation to "raw"`,
      );
    }
    if (rendered.includes('\0'))
      throw new ScriptInterpolationError(`the value of '${name}' holds NUL, which a shell variable cannot`);
    const variable = `__baton_v${assignments.length + 1}`;
    assignments.push(`${variable}=${shellQuote(rendered)}`);
    out += `\${${variable}}`;
  }
  return assignments.length === 0 ? out : `${assignments.join('; ')}\n${out}`;
}

/** Single quotes keep every byte literal; a quote inside is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function render(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return JSON.stringify(v);
}

import { BatonClientError } from '@baton/sdk';
import { CliUsageError } from '../cli-errors';
import type { Style } from './style';

/** The error as `--json` writes it to stderr. */
export function errorJson(err: unknown): { error: Record<string, unknown> } {
  if (err instanceof BatonClientError) return { error: err.toJSON() };
  if (err instanceof CliUsageError) {
    return { error: { code: err.code, message: err.message, violations: [], reason: err.reason } };
  }
  return {
    error: { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err), violations: [] },
  };
}

/**
 * The error for people: the server's message and code, then every field violation
 * on its own line, then a hint when the fix is usually on the caller's side.
 */
export function formatError(err: unknown, style: Style, hint?: string): string {
  const lines: string[] = [];
  if (err instanceof BatonClientError) {
    lines.push(`${style.red('error:')} ${err.message} ${style.dim(`(${err.code})`)}`);
    for (const v of err.violations)
      lines.push(`  - ${v.field ? `${style.bold(v.field)}: ` : ''}${v.description}`);
  } else if (err instanceof CliUsageError && err.reason) {
    lines.push(`${style.red('error:')} ${err.message} ${style.dim(`(${err.reason})`)}`);
  } else {
    lines.push(`${style.red('error:')} ${err instanceof Error ? err.message : String(err)}`);
  }
  if (hint) lines.push(style.dim(`  hint: ${hint}`));
  return lines.join('\n');
}

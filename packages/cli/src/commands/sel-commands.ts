import { createParamHost, evaluate, type HostValue, SelError, type SelResult } from '@baton/sel';
import { BatonClientError, fromParamMap, toParamMap } from '@baton/sdk';
import type { Command } from 'commander';
import { CliUsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { readJsonArgument } from '../read-input';

// `baton sel eval`: runs a SEL expression locally (no service), to try out the
// conditions and param expressions of a definition before pushing it.

export async function selEvalCommand(
  ctx: CommandContext,
  expression: string,
  flags: { params?: string } = {},
): Promise<void> {
  const params = flags.params === undefined ? {} : await parseParams(ctx, flags.params);
  let result: SelResult;
  try {
    result = evaluate(expression, createParamHost({ params }));
  } catch (err) {
    if (err instanceof SelError)
      throw new CliUsageError(err.message, { code: 'INVALID_ARGUMENT', reason: err.code });
    throw err;
  }
  ctx.out.result({ result }, (r) => formatSelValue(r.result, true));
}

/**
 * `--params` JSON, typed the way run params are (integers → LONG, fractions →
 * DOUBLE...), so an expression sees what it would see in a run.
 */
async function parseParams(ctx: CommandContext, arg: string): Promise<Record<string, HostValue>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readJsonArgument(arg, ctx.io));
  } catch (err) {
    if (err instanceof CliUsageError) throw err;
    throw new CliUsageError(`--params: not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliUsageError('--params: expected a JSON object of parameter names to values');
  }
  try {
    return fromParamMap(toParamMap(parsed as Record<string, unknown>), { longs: 'bigint' }) as Record<
      string,
      HostValue
    >;
  } catch (err) {
    if (err instanceof BatonClientError) throw new CliUsageError(`--params: ${err.message}`);
    throw err;
  }
}

/** A SEL value as Java would print it; at top level strings are shown bare. */
export function formatSelValue(v: SelResult, top = false): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return top ? v : JSON.stringify(v);
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((e) => formatSelValue(e)).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, e]) => `${JSON.stringify(k)}: ${formatSelValue(e)}`)
    .join(', ')}}`;
}

export function registerSelCommands(program: Command, ctx: () => CommandContext): void {
  const sel = program.command('sel').description('SEL (Simple Expression Language) tools, run locally');
  sel
    .command('eval <expression>')
    .description(
      'evaluate a SEL expression, e.g. baton sel eval \'params.get("n") * 2\' --params \'{"n": 21}\'',
    )
    .option('--params <json-or-file>', 'parameters as a JSON object (inline, a file, or -)')
    .action((expression: string, flags: { params?: string }) => selEvalCommand(ctx(), expression, flags));
}

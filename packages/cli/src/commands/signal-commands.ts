import type { Command } from 'commander';
import { CliUsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { parsePositiveInt } from '../parse-args';
import { readInput } from '../read-input';
import { collectPages, type PagingFlags } from './paging';
import { collect } from './run-params';
import {
  formatPublish,
  formatRunLineage,
  formatSignal,
  formatSignalLineage,
  runText,
  SIGNAL_COLUMNS,
  signalRow,
} from './signal-format';
import { parseSignalParams, parseWhere } from './signal-params';

// The SignalService commands on signals themselves: publish, get, list, and lineage
// (which runs a signal started or satisfied, which signals a run consumed and produced).
// The trigger commands (triggers, backfill) are in trigger-commands.ts.

export interface PublishFlags {
  /** `name=value` or `name:STRING|LONG=value`; repeatable. */
  param?: string[];
  /** Inline JSON, `@file`, or `-` for stdin. */
  payload?: string;
  requestId?: string;
}

export interface SignalListFlags extends PagingFlags {
  /** `name OP value` with OP one of = > >= < <=; repeatable, every one must hold. */
  where?: string[];
  limit?: string;
}

/**
 * The payload as a JS value: `-` reads stdin, `@path` a file, anything else is the JSON
 * itself (a payload may be any JSON, so a bare word cannot mean a file as in `props`).
 */
async function readPayload(arg: string, ctx: CommandContext): Promise<unknown> {
  const text =
    arg === '-' || arg.startsWith('@') ? await readInput(arg === '-' ? '-' : arg.slice(1), ctx.io) : arg;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`--payload: not JSON (${(err as Error).message})`);
  }
}

/** A signal sequence number: a positive whole number (as int64 text). */
function seqOf(text: string): string {
  return String(parsePositiveInt(text, 'seq'));
}

export async function signalPublishCommand(
  ctx: CommandContext,
  name: string,
  flags: PublishFlags = {},
): Promise<void> {
  const params = parseSignalParams(flags.param);
  const payload = flags.payload === undefined ? undefined : await readPayload(flags.payload, ctx);
  const requestId = flags.requestId ?? '';
  const res = await ctx
    .clients()
    .signal.publishSignal({ name, params, requestId, payload }, requestId ? { requestId } : {});
  ctx.out.result(res, (r, s) => formatPublish(r, s, requestId));
}

export async function signalGetCommand(ctx: CommandContext, name: string, seq?: string): Promise<void> {
  const res = await ctx.clients().signal.getSignal({ name, seq: seq === undefined ? '0' : seqOf(seq) });
  ctx.out.result(res, (r, s) => formatSignal(r.signal, s));
}

export async function signalListCommand(
  ctx: CommandContext,
  name: string,
  flags: SignalListFlags = {},
): Promise<void> {
  const filters = (flags.where ?? []).map(parseWhere);
  const pageSize = flags.limit === undefined ? 0 : parsePositiveInt(flags.limit, '--limit', 1000);
  const page = await collectPages(async (pageToken) => {
    const r = await ctx.clients().signal.listSignals({ name, filters, pageSize, pageToken });
    return { items: r.signals, nextPageToken: r.nextPageToken };
  }, flags);
  if (ctx.out.json) return ctx.out.data({ signals: page.items, nextPageToken: page.nextPageToken });
  if (page.items.length === 0) {
    const more = page.nextPageToken !== '' ? ' on this page' : '';
    ctx.out.print(`no ${filters.length > 0 ? 'matching ' : ''}signals ${name}${more}`);
  } else ctx.out.table(SIGNAL_COLUMNS, page.items.map(signalRow));
  if (page.nextPageToken !== '')
    ctx.out.note(`more results: add --all, or --page-token ${page.nextPageToken}`);
}

export async function signalLineageCommand(ctx: CommandContext, name: string, seq: string): Promise<void> {
  const res = await ctx.clients().signal.getSignalLineage({ name, seq: seqOf(seq) });
  ctx.out.result(res, formatSignalLineage);
}

export async function runLineageCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  run?: string,
): Promise<void> {
  const instanceId = String(parsePositiveInt(instance, 'instance'));
  const runId = run === undefined ? '0' : String(parsePositiveInt(run, 'run'));
  const res = await ctx.clients().signal.getRunLineage({ workflowId, instanceId, runId });
  const title =
    runId === '0'
      ? `${workflowId} instance ${instanceId} (every run)`
      : runText(workflowId, instanceId, runId);
  ctx.out.result(res, (r, s) => formatRunLineage(r, title, s));
}

type Ctx = () => CommandContext;

export function registerSignalCommands(program: Command, ctx: Ctx): void {
  const signal = program.command('signal').description('publish, show and list signals');
  signal
    .command('publish <name>')
    .description('publish a signal instance (prints its sequence number)')
    .option(
      '--param <name=value>',
      'an indexed param, LONG or STRING read from the text (repeatable)',
      collect,
    )
    .option('--payload <json>', 'any JSON carried with the signal; @file reads a file, - stdin')
    .option('--request-id <id>', 'idempotency key: a repeat returns the first seq')
    .action((name: string, flags: PublishFlags) => signalPublishCommand(ctx(), name, flags));
  signal
    .command('get <name> [seq]')
    .description('one signal instance (the latest without seq): params, payload, producer')
    .action((name: string, seq: string | undefined) => signalGetCommand(ctx(), name, seq));
  signal
    .command('list <name>')
    .description("a signal's instances, newest first")
    .option('--where <name-op-value>', "a param filter: 'date>=20240101' (= > >= < <=; repeatable)", collect)
    .option('--limit <n>', 'page size, 1..1000 (default: the server default, 100)')
    .option('--all', 'follow page tokens to the last page')
    .option('--page-token <token>', 'start at this page')
    .action((name: string, flags: SignalListFlags) => signalListCommand(ctx(), name, flags));
  const lineage = program
    .command('lineage')
    .description('which runs a signal started or satisfied; which signals a run consumed and produced');
  lineage
    .command('signal <name> <seq>')
    .description('the runs a signal instance started or satisfied, and the run that produced it')
    .action((name: string, seq: string) => signalLineageCommand(ctx(), name, seq));
  lineage
    .command('run <workflow-id> <instance> [run]')
    .description('the signals a run (every run of the instance without run) consumed and produced')
    .action((id: string, instance: string, run: string | undefined) =>
      runLineageCommand(ctx(), id, instance, run),
    );
}

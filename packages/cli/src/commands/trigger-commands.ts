import type { Backfill } from '@baton/proto';
import type { Command } from 'commander';
import { CliExit, CliUsageError, ExitCode } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { pause } from '../pause';
import { parseInstant, parsePositiveInt } from '../parse-args';
import { backfillProgress, formatBackfill, formatBackfillCreated, formatTriggers } from './trigger-format';

// The SignalService commands on a workflow's triggers: their state and next fire times,
// backfills of a time trigger over a past range, and a backfill's progress.

export interface BackfillFlags {
  from?: string;
  to?: string;
  trigger?: string;
  concurrency?: string;
  wait?: boolean;
}

export interface BackfillWaitOptions {
  /** Pause between two GetBackfill calls. Default 500 ms. */
  pollMs?: number;
}

export async function triggersCommand(
  ctx: CommandContext,
  workflowId: string,
  flags: { next?: string } = {},
): Promise<void> {
  const nextCount = flags.next === undefined ? 5 : parsePositiveInt(flags.next, '--next', 100);
  const res = await ctx.clients().signal.getTriggers({ workflowId, nextCount });
  ctx.out.result(res, formatTriggers);
}

export async function backfillCommand(
  ctx: CommandContext,
  workflowId: string,
  flags: BackfillFlags = {},
  wait: BackfillWaitOptions = {},
): Promise<void> {
  if (flags.from === undefined || flags.to === undefined) {
    throw new CliUsageError('backfill needs --from and --to (dates such as 2024-01-01, read as UTC)');
  }
  const from = parseInstant(flags.from, '--from');
  const to = parseInstant(flags.to, '--to');
  if (from.getTime() > to.getTime()) {
    throw new CliUsageError(`--from (${flags.from}) is after --to (${flags.to})`);
  }
  const concurrency =
    flags.concurrency === undefined ? 0 : parsePositiveInt(flags.concurrency, '--concurrency', 100);
  const res = await ctx
    .clients()
    .signal.backfill({ workflowId, triggerId: flags.trigger ?? '', from, to, concurrency });
  if (!flags.wait) return ctx.out.result(res, (r, s) => formatBackfillCreated(r.backfill, r.created, s));
  // Under --wait --json every line is one JSON object: this response, then each change.
  if (ctx.out.json) ctx.out.record(res);
  else ctx.out.print(formatBackfillCreated(res.backfill, res.created, ctx.out.style));
  if (res.backfill) await waitForBackfill(ctx, res.backfill, wait);
}

export async function backfillStatusCommand(ctx: CommandContext, backfillId: string): Promise<void> {
  const res = await ctx.clients().signal.getBackfill({ backfillId });
  ctx.out.result(res, (r, s) => formatBackfill(r.backfill, s));
}

/**
 * Polls GetBackfill until the backfill is DONE, showing `started, ended of total`: one line
 * redrawn in place on a terminal, a line per change otherwise, a JSON line per change with
 * --json. Ctrl-C stops the waiting (exit 130), never the backfill.
 */
async function waitForBackfill(ctx: CommandContext, first: Backfill, o: BackfillWaitOptions): Promise<void> {
  const signal = ctx.io.signal;
  const interrupted = () =>
    new CliExit(
      ExitCode.INTERRUPTED,
      `stopped waiting; the backfill goes on (baton backfill-status ${first.backfillId})`,
    );
  const tty = !ctx.out.json && ctx.io.stdout.isTTY === true && ctx.env.TERM !== 'dumb';
  const line = (b: Backfill) => `  ${backfillProgress(b)} ${ctx.out.style.dim(`(${b.status})`)}`;
  let shown = first;
  let drawn = false;
  const show = (b: Backfill) => {
    if (ctx.out.json) ctx.out.record({ backfill: b });
    else if (tty) ctx.io.stdout.write(`\r\x1b[K${line(b)}`);
    else ctx.out.print(line(b));
    drawn = true;
  };
  if (!ctx.out.json) show(first);
  try {
    while (shown.status !== 'DONE') {
      await pause(o.pollMs ?? 500, signal);
      if (signal?.aborted) throw interrupted();
      const next = await ctx
        .clients()
        .signal.getBackfill({ backfillId: first.backfillId }, { signal })
        .then(
          (r) => r.backfill,
          (err) => {
            throw signal?.aborted ? interrupted() : err;
          },
        );
      if (!next) throw new Error(`GetBackfill ${first.backfillId} answered without a backfill`);
      const changed =
        next.started !== shown.started || next.ended !== shown.ended || next.status !== shown.status;
      shown = next;
      if (changed) show(next);
    }
  } finally {
    if (tty && drawn) ctx.io.stdout.write('\n');
  }
  if (!ctx.out.json)
    ctx.out.print(`backfill ${first.backfillId} ${ctx.out.style.green('DONE')}: ${backfillProgress(shown)}`);
}

type Ctx = () => CommandContext;

export function registerTriggerCommands(program: Command, ctx: Ctx): void {
  program
    .command('triggers <workflow-id>')
    .description("the active version's time and signal triggers: state and next fire times")
    .option('--next <n>', 'next fire times to show per time trigger, 1..100', '5')
    .action((id: string, flags: { next?: string }) => triggersCommand(ctx(), id, flags));
  program
    .command('backfill <workflow-id>')
    .description('start one run per fire time of a time trigger in [from, to] (a date without zone is UTC)')
    .option('--from <date>', 'first instant: 2024-01-01, 2024-01-01T05:00 (UTC), or with Z / an offset')
    .option('--to <date>', 'last instant, inclusive (same forms)')
    .option('--trigger <id>', 'the time trigger (see baton triggers); default: the only or first one')
    .option('--concurrency <n>', 'runs in flight at once, 1..100 (default: the server default, 4)')
    .option('-w, --wait', 'poll until every run of the backfill has ended')
    .action((id: string, flags: BackfillFlags) => backfillCommand(ctx(), id, flags));
  program
    .command('backfill-status <backfill-id>')
    .description("a backfill's range and progress (started, ended of total)")
    .action((id: string) => backfillStatusCommand(ctx(), id));
}

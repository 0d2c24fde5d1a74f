import type { TagPermit } from '@baton/proto';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context';
import { CliUsageError } from '../cli-errors';
import { formatTime } from '../output/format-values';
import type { Column } from '../output/table';

// `baton permits`: user tag permits — at most N attempts of steps carrying a tag run at once,
// across every workflow (the scheduler's SetTagPermit, DeleteTagPermit, ListTagPermits).

export const PERMIT_COLUMNS: Column[] = [
  { header: 'TAG' },
  { header: 'MAX', align: 'right' },
  { header: 'RUNNING', align: 'right' },
  { header: 'WAITING', align: 'right' },
  { header: 'UPDATED' },
];

export function permitRow(p: TagPermit): string[] {
  return [p.tag, String(p.maxAllowed), p.running, p.waiting, formatTime(p.updatedAt)];
}

export async function permitsListCommand(ctx: CommandContext, prefix = ''): Promise<void> {
  const res = await ctx.clients().scheduler.listTagPermits({ tagPrefix: prefix });
  if (ctx.out.json) return ctx.out.data(res);
  if (res.permits.length === 0)
    ctx.out.print(prefix ? `no tag permits starting with ${prefix}` : 'no tag permits');
  else ctx.out.table(PERMIT_COLUMNS, res.permits.map(permitRow));
}

/** The permit as typed: a whole number from 0 (the CLI leaves the upper bound to the service). */
export function parsePermit(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new CliUsageError(`max must be a whole number from 0, got ${text}`);
  return Number(text);
}

export async function permitsSetCommand(ctx: CommandContext, tag: string, max: string): Promise<void> {
  const res = await ctx.clients().scheduler.setTagPermit({ tag, maxAllowed: parsePermit(max) });
  ctx.out.result(res, (r, s) => {
    const p = r.permit!;
    return `${s.bold(p.tag)}: at most ${p.maxAllowed} at once (running ${p.running}, waiting ${p.waiting})`;
  });
}

export async function permitsDeleteCommand(ctx: CommandContext, tag: string): Promise<void> {
  const res = await ctx.clients().scheduler.deleteTagPermit({ tag });
  ctx.out.result(res, (r, s) =>
    r.deleted ? `${s.bold(tag)} has no permit now: it caps nothing` : `${s.bold(tag)} had no permit`,
  );
}

export function registerPermitCommands(program: Command, ctx: () => CommandContext): void {
  const permits = program
    .command('permits')
    .description('tag permits: at most N steps carrying a tag run at once, across workflows')
    .action(() => permitsListCommand(ctx()));
  permits
    .command('list [prefix]')
    .description('the tag permits, with the steps running and waiting on each')
    .action((prefix: string | undefined) => permitsListCommand(ctx(), prefix));
  permits
    .command('set <tag> <max>')
    .description('at most <max> steps carrying <tag> run at once (0: none start); the rest wait')
    .action((tag: string, max: string) => permitsSetCommand(ctx(), tag, max));
  permits
    .command('delete <tag>')
    .description('remove the permit of <tag>: what waited on it starts')
    .action((tag: string) => permitsDeleteCommand(ctx(), tag));
}

import type { Command } from 'commander';
import { CliUsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { parsePositiveInt, parseVersionSelector } from '../parse-args';
import { readInput, readJsonArgument } from '../read-input';
import { confirm } from './confirm';
import {
  formatActivate,
  formatDeactivate,
  formatDelete,
  formatGet,
  formatPropertiesUpdate,
  formatPush,
  formatValidate,
  prettyJson,
  VERSION_COLUMNS,
  versionRow,
  WORKFLOW_COLUMNS,
  workflowRow,
} from './definition-format';
import { collectPages, type PagingFlags } from './paging';

// The DefinitionService commands: one exported function per command (called by
// commander, and directly by tests with a fake client), and their registration.

export interface UserFlag {
  /** Recorded as the author of the version or properties change. */
  user?: string;
}

export interface ListFlags extends PagingFlags {
  owner?: string;
  tag?: string;
  prefix?: string;
  limit?: string;
}

/** Whom to record as author: --user, else $BATON_USER, else the login name. */
function userOf(ctx: CommandContext, flags: UserFlag): string {
  return flags.user ?? ctx.env.BATON_USER ?? ctx.env.USER ?? ctx.env.USERNAME ?? '';
}

function pageSize(limit: string | undefined): number {
  return limit === undefined ? 0 : parsePositiveInt(limit, '--limit', 1000);
}

export async function pushCommand(ctx: CommandContext, file: string, flags: UserFlag = {}): Promise<void> {
  const definitionJson = await readInput(file, ctx.io);
  const res = await ctx.clients().definition.pushWorkflow({ definitionJson, user: userOf(ctx, flags) });
  ctx.out.result(res, formatPush);
}

export async function validateCommand(
  ctx: CommandContext,
  file: string,
  flags: UserFlag = {},
): Promise<void> {
  const definitionJson = await readInput(file, ctx.io);
  const res = await ctx.clients().definition.validateWorkflow({ definitionJson, user: userOf(ctx, flags) });
  ctx.out.result(res, formatValidate);
}

export async function getCommand(
  ctx: CommandContext,
  workflowId: string,
  flags: { version?: string; raw?: boolean } = {},
): Promise<void> {
  const version = parseVersionSelector(flags.version ?? 'default', ['latest', 'active', 'default']);
  const res = await ctx.clients().definition.getWorkflow({ workflowId, version });
  if (flags.raw && !ctx.out.json) ctx.out.print(prettyJson(res.workflow?.definitionJson ?? ''));
  else ctx.out.result(res, formatGet);
}

export async function listCommand(ctx: CommandContext, flags: ListFlags = {}): Promise<void> {
  const size = pageSize(flags.limit);
  const page = await collectPages(async (pageToken) => {
    const r = await ctx.clients().definition.listWorkflows({
      pageSize: size,
      pageToken,
      owner: flags.owner ?? '',
      tag: flags.tag ?? '',
      idPrefix: flags.prefix ?? '',
    });
    return { items: r.workflows, nextPageToken: r.nextPageToken };
  }, flags);
  if (ctx.out.json) return ctx.out.data({ workflows: page.items, nextPageToken: page.nextPageToken });
  if (page.items.length === 0) ctx.out.print('no workflows');
  else ctx.out.table(WORKFLOW_COLUMNS, page.items.map(workflowRow));
  moreHint(ctx, page.nextPageToken);
}

export async function versionsCommand(
  ctx: CommandContext,
  workflowId: string,
  flags: ListFlags = {},
): Promise<void> {
  const size = pageSize(flags.limit);
  const page = await collectPages(async (pageToken) => {
    const r = await ctx.clients().definition.listVersions({ workflowId, pageSize: size, pageToken });
    return { items: r.versions, nextPageToken: r.nextPageToken };
  }, flags);
  if (ctx.out.json) return ctx.out.data({ versions: page.items, nextPageToken: page.nextPageToken });
  if (page.items.length === 0) ctx.out.print(`no versions of ${workflowId}`);
  else ctx.out.table(VERSION_COLUMNS, page.items.map(versionRow));
  moreHint(ctx, page.nextPageToken);
}

function moreHint(ctx: CommandContext, token: string): void {
  if (token !== '') ctx.out.note(`more results: add --all, or --page-token ${token}`);
}

export async function activateCommand(
  ctx: CommandContext,
  workflowId: string,
  version: string,
): Promise<void> {
  const selector = parseVersionSelector(version, ['latest']);
  const res = await ctx.clients().definition.activateVersion({ workflowId, version: selector });
  ctx.out.result(res, formatActivate);
}

export async function deactivateCommand(ctx: CommandContext, workflowId: string): Promise<void> {
  const res = await ctx.clients().definition.deactivateWorkflow({ workflowId });
  ctx.out.result(res, formatDeactivate);
}

export async function deleteCommand(
  ctx: CommandContext,
  workflowId: string,
  flags: { yes?: boolean } = {},
): Promise<void> {
  if (!flags.yes) {
    const answer = await confirm(ctx.io, `delete ${workflowId} with all its versions and properties?`);
    if (answer === undefined)
      throw new CliUsageError(`refusing to delete ${workflowId} without --yes (no terminal to confirm on)`);
    if (!answer) throw new CliUsageError('not deleted');
  }
  const res = await ctx.clients().definition.deleteWorkflow({ workflowId });
  ctx.out.result(res, formatDelete);
}

export async function propsCommand(
  ctx: CommandContext,
  workflowId: string,
  fileOrJson: string,
  flags: UserFlag = {},
): Promise<void> {
  const propertiesJson = await readJsonArgument(fileOrJson, ctx.io);
  const res = await ctx
    .clients()
    .definition.updateProperties({ workflowId, propertiesJson, user: userOf(ctx, flags) });
  ctx.out.result(res, (r, s) => formatPropertiesUpdate(workflowId, r.properties, s));
}

type Ctx = () => CommandContext;

export function registerDefinitionCommands(program: Command, ctx: Ctx): void {
  const user = ['--user <name>', 'author to record (default: $BATON_USER or $USER)'] as const;
  program
    .command('push <file>')
    .description('validate and store a workflow definition (Maestro JSON; - reads stdin)')
    .option(...user)
    .action((file: string, flags: UserFlag) => pushCommand(ctx(), file, flags));
  program
    .command('validate <file>')
    .description('check a definition as push would, storing nothing')
    .option(...user)
    .action((file: string, flags: UserFlag) => validateCommand(ctx(), file, flags));
  program
    .command('get <workflow-id>')
    .description('show a workflow version and its definition')
    .option('--version <v>', 'latest, active, default (active, else latest) or a number', 'default')
    .option('--raw', 'print only the definition JSON')
    .action((id: string, flags: { version?: string; raw?: boolean }) => getCommand(ctx(), id, flags));
  const paging = (cmd: Command) =>
    cmd
      .option('--limit <n>', 'page size, 1..1000 (default: the server default, 100)')
      .option('--all', 'follow page tokens to the last page')
      .option('--page-token <token>', 'start at this page');
  paging(
    program
      .command('list')
      .description('list workflows')
      .option('--owner <owner>', 'only workflows of this owner')
      .option('--tag <tag>', 'only workflows with this tag')
      .option('--prefix <prefix>', 'only workflow ids starting with this'),
  ).action((flags: ListFlags) => listCommand(ctx(), flags));
  paging(
    program.command('versions <workflow-id>').description('list the versions of a workflow, newest first'),
  ).action((id: string, flags: ListFlags) => versionsCommand(ctx(), id, flags));
  program
    .command('activate <workflow-id> <version>')
    .description('make a version (a number or latest) the active one')
    .action((id: string, version: string) => activateCommand(ctx(), id, version));
  program
    .command('deactivate <workflow-id>')
    .description('leave the workflow without an active version')
    .action((id: string) => deactivateCommand(ctx(), id));
  program
    .command('delete <workflow-id>')
    .description('delete a workflow with all its versions')
    .option('-y, --yes', 'do not ask for confirmation')
    .action((id: string, flags: { yes?: boolean }) => deleteCommand(ctx(), id, flags));
  program
    .command('props <workflow-id> <file-or-json>')
    .description('merge a properties change (inline JSON, a file, or - for stdin)')
    .option(...user)
    .action((id: string, arg: string, flags: UserFlag) => propsCommand(ctx(), id, arg, flags));
}

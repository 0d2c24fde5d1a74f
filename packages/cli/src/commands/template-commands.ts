import type { Command } from 'commander';
import type { CommandContext } from '../command-context';
import { parsePositiveInt } from '../parse-args';
import { readInput } from '../read-input';

// `baton template push|get|list`: job templates (default params for steps of a sub_type).

export async function templatePushCommand(ctx: CommandContext, file: string): Promise<void> {
  const templateJson = await readInput(file, ctx.io);
  const res = await ctx.clients().definition.pushJobTemplate({ templateJson });
  ctx.out.result(
    res,
    (r) => `${r.created ? 'pushed' : 'unchanged:'} job template ${r.subType} version ${r.version}`,
  );
}

export async function templateGetCommand(
  ctx: CommandContext,
  subType: string,
  flags: { version?: string },
): Promise<void> {
  const version = flags.version === undefined ? 0 : parsePositiveInt(flags.version, '--version', 2 ** 31 - 1);
  const res = await ctx.clients().definition.getJobTemplate({ subType, version });
  const t = res.template!;
  ctx.out.result(res, () =>
    [
      `${t.subType} version ${t.version} (${t.type})${t.description ? ` — ${t.description}` : ''}`,
      JSON.stringify(JSON.parse(t.templateJson), null, 2),
    ].join('\n'),
  );
}

export async function templateListCommand(ctx: CommandContext, flags: { prefix?: string }): Promise<void> {
  const res = await ctx
    .clients()
    .definition.listJobTemplates({ prefix: flags.prefix ?? '', pageSize: 0, pageToken: '' });
  ctx.out.result(res, (r) =>
    r.templates.length === 0
      ? 'no job templates'
      : r.templates
          .map((t) => `${t.subType.padEnd(32)} v${t.version}  ${t.type.padEnd(9)} ${t.description}`)
          .join('\n'),
  );
}

export function registerTemplateCommands(program: Command, ctx: () => CommandContext): void {
  const template = program
    .command('template')
    .description('job templates: default params for steps of a sub_type');
  template
    .command('push <file>')
    .description('store a job template (JSON; - reads stdin): a new version unless unchanged')
    .action((file: string) => templatePushCommand(ctx(), file));
  template
    .command('get <sub-type>')
    .description('show a job template')
    .option('--version <n>', 'a version number (default: the latest)')
    .action((subType: string, flags: { version?: string }) => templateGetCommand(ctx(), subType, flags));
  template
    .command('list')
    .description('the latest version of each job template')
    .option('--prefix <prefix>', 'only sub_types starting with this')
    .action((flags: { prefix?: string }) => templateListCommand(ctx(), flags));
}

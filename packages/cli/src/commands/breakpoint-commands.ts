import type { Breakpoint } from '@baton/proto';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context';
import { formatTime } from '../output/format-values';
import type { Column } from '../output/table';
import { parsePositiveInt } from '../parse-args';

// `baton breakpoint set|list|delete`: step breakpoints, as Maestro has them. A step attempt a
// breakpoint matches pauses before it starts (PAUSED); `baton resume WF N --step S` lets one go on,
// deleting the breakpoint lets them all go on.

export interface BreakpointFlags {
  version?: string;
  instance?: string;
  run?: string;
  attempt?: string;
}

export const BREAKPOINT_COLUMNS: Column[] = [
  { header: 'ID' },
  { header: 'STEP' },
  { header: 'VERSION', align: 'right' },
  { header: 'INSTANCE', align: 'right' },
  { header: 'RUN', align: 'right' },
  { header: 'ATTEMPT', align: 'right' },
  { header: 'CREATED' },
];

const any = (v: string | number) => (String(v) === '0' ? 'any' : String(v));

export function breakpointRow(b: Breakpoint): string[] {
  return [
    b.id,
    b.stepId,
    any(b.version),
    any(b.instanceId),
    any(b.runId),
    any(b.attempt),
    formatTime(b.createdAt),
  ];
}

/** "step s of wf, version 3, instance 7" (only the narrowing parts). */
export function scopeText(b: Breakpoint): string {
  const parts = [
    b.version !== '0' ? `version ${b.version}` : '',
    b.instanceId !== '0' ? `instance ${b.instanceId}` : '',
    b.runId !== '0' ? `run ${b.runId}` : '',
    b.attempt !== 0 ? `attempt ${b.attempt}` : '',
  ].filter(Boolean);
  return `step ${b.stepId} of ${b.workflowId}${parts.length ? `, ${parts.join(', ')}` : ''}`;
}

export async function breakpointSetCommand(
  ctx: CommandContext,
  workflowId: string,
  stepId: string,
  flags: BreakpointFlags = {},
): Promise<void> {
  const n = (v: string | undefined, flag: string) => (v === undefined ? 0 : parsePositiveInt(v, flag));
  const res = await ctx.clients().scheduler.setBreakpoint({
    workflowId,
    stepId,
    version: String(n(flags.version, '--version')),
    instanceId: String(n(flags.instance, '--instance')),
    runId: String(n(flags.run, '--run')),
    attempt: n(flags.attempt, '--attempt'),
  });
  ctx.out.result(res, (r, s) => `breakpoint ${s.bold(r.breakpoint!.id)} on ${scopeText(r.breakpoint!)}`);
}

export async function breakpointListCommand(ctx: CommandContext, workflowId: string): Promise<void> {
  const res = await ctx.clients().scheduler.listBreakpoints({ workflowId });
  if (ctx.out.json) return ctx.out.data(res);
  if (res.breakpoints.length === 0) ctx.out.print(`no breakpoints on ${workflowId}`);
  else ctx.out.table(BREAKPOINT_COLUMNS, res.breakpoints.map(breakpointRow));
}

export async function breakpointDeleteCommand(
  ctx: CommandContext,
  workflowId: string,
  id: string,
): Promise<void> {
  const res = await ctx.clients().scheduler.deleteBreakpoint({ workflowId, id });
  ctx.out.result(res, (r, s) =>
    r.deleted
      ? `deleted breakpoint ${s.bold(id)}: ${r.resumed} paused step${r.resumed === 1 ? '' : 's'} resumed`
      : `no breakpoint ${s.bold(id)}`,
  );
}

export function registerBreakpointCommands(program: Command, ctx: () => CommandContext): void {
  const bp = program
    .command('breakpoint')
    .description('step breakpoints: a matching step attempt pauses before it starts');
  bp.command('set <workflow-id> <step-id>')
    .description('pause every matching attempt of the step (each foreach iteration too) before it starts')
    .option('--version <n>', 'only runs of this definition version')
    .option('--instance <n>', 'only this instance')
    .option('--run <n>', 'only this run of it')
    .option('--attempt <n>', 'only this attempt number (2: the first retry)')
    .action((id: string, stepId: string, flags: BreakpointFlags) =>
      breakpointSetCommand(ctx(), id, stepId, flags),
    );
  bp.command('list <workflow-id>')
    .description("the workflow's breakpoints")
    .action((id: string) => breakpointListCommand(ctx(), id));
  bp.command('delete <workflow-id> <breakpoint-id>')
    .description('delete a breakpoint: every step paused at it goes on')
    .action((id: string, bpId: string) => breakpointDeleteCommand(ctx(), id, bpId));
}

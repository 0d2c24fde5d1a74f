import type { InstanceRef } from '@baton/proto';
import type { Command } from 'commander';
import { CliUsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { parsePositiveInt, parseVersionSelector } from '../parse-args';
import { collectPages, type PagingFlags } from './paging';
import { collect, parseRunParams } from './run-params';
import {
  formatRestart,
  formatStart,
  formatStatus,
  INSTANCE_COLUMNS,
  instanceRow,
  refText,
  STEP_COLUMNS,
  stepRow,
} from './run-format';
import { stepSignalsSection } from './signal-format';
import { colorStatus, TERMINAL_INSTANCE } from './step-status';
import { type WatchRunOptions, watchRun } from './watch-run';

// The SchedulerService commands: start and watch runs, look at them, steer them.
// One exported function per command (commander calls them; tests call them directly).

export interface ParamFlags {
  /** `name=value` (type inferred from the text) or `name:TYPE=value`; repeatable. */
  param?: string[];
  /** `name=<json>` for arrays and maps; repeatable. */
  paramJson?: string[];
}

export interface StartFlags extends ParamFlags {
  version?: string;
  requestId?: string;
  watch?: boolean;
  user?: string;
}

export interface RunFlag {
  /** A run number; default: the latest run. */
  run?: string;
}

const MANUAL = 1; // baton.v1.InitiatorType.INITIATOR_TYPE_MANUAL

function userOf(ctx: CommandContext, user: string | undefined): string {
  return user ?? ctx.env.BATON_USER ?? ctx.env.USER ?? ctx.env.USERNAME ?? '';
}

/** The run a command addresses: instance (a positive number) and run (0, the latest, unless --run). */
export function refOf(workflowId: string, instance: string, run?: string): InstanceRef {
  return {
    workflowId,
    instanceId: String(parsePositiveInt(instance, 'instance')),
    runId: run === undefined ? '0' : String(parsePositiveInt(run, '--run')),
  };
}

function upper(status: string | undefined): string {
  return (status ?? '').trim().toUpperCase();
}

export async function startCommand(
  ctx: CommandContext,
  workflowId: string,
  flags: StartFlags = {},
  watch: WatchRunOptions = {},
): Promise<void> {
  const runParams = parseRunParams(flags.param, flags.paramJson);
  const version =
    flags.version === undefined ? '' : parseVersionSelector(flags.version, ['latest', 'active', 'default']);
  const requestId = flags.requestId ?? '';
  const res = await ctx.clients().scheduler.startWorkflow(
    {
      workflowId,
      version,
      runParams,
      requestId,
      initiator: { type: MANUAL, name: userOf(ctx, flags.user) },
    },
    requestId ? { requestId } : {},
  );
  if (!flags.watch) return ctx.out.result(res, formatStart);
  // Under --watch --json every line is one JSON object: the start response, then the updates.
  if (ctx.out.json) ctx.out.record(res);
  else ctx.out.print(formatStart(res, ctx.out.style));
  await watchRun(ctx, { workflowId: res.workflowId, instanceId: res.instanceId, runId: res.runId }, watch);
}

export async function watchCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  flags: RunFlag = {},
  watch: WatchRunOptions = {},
): Promise<void> {
  await watchRun(ctx, refOf(workflowId, instance, flags.run), watch);
}

export async function statusCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  flags: RunFlag & { timeline?: string } = {},
): Promise<void> {
  const timeline = flags.timeline === undefined ? 10 : Number(flags.timeline);
  if (!(Number.isInteger(timeline) && timeline >= 0)) {
    throw new CliUsageError(`--timeline: expected a whole number of entries, got "${flags.timeline}"`);
  }
  const res = await ctx.clients().scheduler.getInstance({ ref: refOf(workflowId, instance, flags.run) });
  ctx.out.result(res, (r, s) => formatStatus(r, s, { now: Date.now(), timeline }));
}

export async function stepsCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  flags: RunFlag & { status?: string } = {},
): Promise<void> {
  const ref = refOf(workflowId, instance, flags.run);
  const status = upper(flags.status);
  const page = await collectPages(
    async (pageToken) => {
      const r = await ctx.clients().scheduler.listStepRuns({ ref, status, pageSize: 1000, pageToken });
      return { items: r.stepRuns, nextPageToken: r.nextPageToken };
    },
    { all: true },
  );
  if (ctx.out.json) return ctx.out.data({ stepRuns: page.items, nextPageToken: '' });
  if (page.items.length === 0) {
    ctx.out.print(status ? `no ${status} steps` : 'no steps');
    return;
  }
  const s = ctx.out.style;
  // Each status cell in its own colour.
  const columns = STEP_COLUMNS.map((c) =>
    c.header === 'STATUS' ? { ...c, colorOf: (cell: string) => colorStatus(cell, s) } : c,
  );
  ctx.out.table(columns, page.items.map(stepRow));
  const signals = stepSignalsSection(page.items, s);
  if (signals) ctx.out.print(`\n${signals}`);
}

export interface InstancesFlags extends PagingFlags {
  status?: string;
  limit?: string;
}

export async function instancesCommand(
  ctx: CommandContext,
  workflowId: string,
  flags: InstancesFlags = {},
): Promise<void> {
  const pageSize = flags.limit === undefined ? 0 : parsePositiveInt(flags.limit, '--limit', 500);
  const status = upper(flags.status);
  const page = await collectPages(async (pageToken) => {
    const r = await ctx.clients().scheduler.listInstances({ workflowId, status, pageSize, pageToken });
    return { items: r.instances, nextPageToken: r.nextPageToken };
  }, flags);
  if (ctx.out.json) return ctx.out.data({ instances: page.items, nextPageToken: page.nextPageToken });
  if (page.items.length === 0) ctx.out.print(`no ${status ? `${status} ` : ''}instances of ${workflowId}`);
  else {
    const now = Date.now();
    const s = ctx.out.style;
    const columns = INSTANCE_COLUMNS.map((c) =>
      c.header === 'STATUS' ? { ...c, colorOf: (cell: string) => colorStatus(cell, s) } : c,
    );
    ctx.out.table(
      columns,
      page.items.map((i) => instanceRow(i, now)),
    );
  }
  if (page.nextPageToken !== '')
    ctx.out.note(`more results: add --all, or --page-token ${page.nextPageToken}`);
}

/** `stopped` once the status is final, `stopping` while the run winds down. */
function actionText(verb: [string, string], what: string, status: string, ctx: CommandContext): string {
  const s = ctx.out.style;
  const done = TERMINAL_INSTANCE.has(status) || !['IN_PROGRESS', 'CREATED', ''].includes(status);
  return `${done ? verb[0] : verb[1]} ${s.bold(what)} ${s.dim('(')}${colorStatus(status, s)(status || '?')}${s.dim(')')}`;
}

export async function stopCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  flags: { reason?: string } = {},
): Promise<void> {
  const ref = refOf(workflowId, instance);
  const res = await ctx.clients().scheduler.stopInstance({ ref, reason: flags.reason ?? '' });
  ctx.out.result(res, (r) =>
    actionText(['stopped', 'stopping'], `${workflowId} instance ${ref.instanceId}`, r.status, ctx),
  );
}

export async function killCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  flags: { reason?: string } = {},
): Promise<void> {
  const ref = refOf(workflowId, instance);
  const res = await ctx.clients().scheduler.killInstance({ ref, reason: flags.reason ?? '' });
  ctx.out.result(res, (r) =>
    actionText(['killed', 'killing'], `${workflowId} instance ${ref.instanceId}`, r.status, ctx),
  );
}

/**
 * `baton pause WF N`: no new step of run N starts (running ones finish). `baton pause WF`: no new
 * run of the workflow starts (they wait, CREATED).
 */
export async function pauseCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string | undefined,
  flags: { reason?: string } = {},
): Promise<void> {
  const reason = flags.reason ?? '';
  if (instance === undefined) {
    const res = await ctx.clients().scheduler.pauseWorkflow({ workflowId, reason });
    ctx.out.result(res, (r, s) =>
      r.paused
        ? `paused ${s.bold(workflowId)}: new runs wait (CREATED) until baton resume ${workflowId}`
        : `${s.bold(workflowId)} was paused already`,
    );
    return;
  }
  const ref = refOf(workflowId, instance);
  const res = await ctx.clients().scheduler.pauseInstance({ ref, reason });
  ctx.out.result(
    res,
    () =>
      `pausing ${ctx.out.style.bold(`${workflowId} instance ${ref.instanceId}`)}: running steps finish, no new step starts (baton resume to go on)`,
  );
}

/** `baton resume WF N`: a paused run goes on. `baton resume WF`: the workflow's waiting runs start. */
export async function resumeCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string | undefined,
  flags: { reason?: string; step?: string } = {},
): Promise<void> {
  if (flags.step !== undefined) {
    if (instance === undefined)
      throw new CliUsageError('resume --step needs the instance: baton resume WF N --step S');
    return stepActionCommand(ctx, 'resume', workflowId, instance, flags.step, flags);
  }
  if (instance === undefined) {
    const res = await ctx.clients().scheduler.resumeWorkflow({ workflowId });
    ctx.out.result(res, (r, s) =>
      r.resumed
        ? `resumed ${s.bold(workflowId)}: ${r.started} waiting run${r.started === 1 ? '' : 's'} started`
        : `${s.bold(workflowId)} was not paused`,
    );
    return;
  }
  const ref = refOf(workflowId, instance);
  const res = await ctx.clients().scheduler.resumeInstance({ ref, reason: flags.reason ?? '' });
  ctx.out.result(res, () => `resuming ${ctx.out.style.bold(`${workflowId} instance ${ref.instanceId}`)}`);
}

const RESTART_MODES: Record<string, string> = {
  'from-incomplete': 'RESTART_FROM_INCOMPLETE',
  'from-beginning': 'RESTART_FROM_BEGINNING',
  restart_from_incomplete: 'RESTART_FROM_INCOMPLETE',
  restart_from_beginning: 'RESTART_FROM_BEGINNING',
};

export async function restartCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  flags: ParamFlags & { mode?: string; watch?: boolean; requestId?: string } = {},
  watch: WatchRunOptions = {},
): Promise<void> {
  const mode = flags.mode === undefined ? '' : RESTART_MODES[flags.mode.trim().toLowerCase()];
  if (mode === undefined) {
    throw new CliUsageError(`--mode: expected from-incomplete or from-beginning, got "${flags.mode}"`);
  }
  const runParams = parseRunParams(flags.param, flags.paramJson);
  const requestId = flags.requestId ?? '';
  const res = await ctx
    .clients()
    .scheduler.restartInstance(
      { ref: refOf(workflowId, instance), mode, runParams, requestId },
      requestId ? { requestId } : {},
    );
  if (!flags.watch) return ctx.out.result(res, formatRestart);
  if (ctx.out.json) ctx.out.record(res);
  else ctx.out.print(formatRestart(res, ctx.out.style));
  await watchRun(ctx, res.ref ?? refOf(workflowId, instance), watch);
}

export async function unblockCommand(ctx: CommandContext, workflowId: string): Promise<void> {
  const res = await ctx.clients().scheduler.unblockWorkflow({ workflowId });
  ctx.out.result(res, (r, s) =>
    r.unblockedInstanceId === '0'
      ? `${s.bold(workflowId)} was not blocked`
      : `unblocked ${s.bold(workflowId)}: instance ${r.unblockedInstanceId} no longer holds the queue`,
  );
}

export type StepAction = 'stop' | 'skip' | 'restart' | 'bypass-signals' | 'resume';

const STEP_ACTION_DONE: Record<StepAction, string> = {
  stop: 'stopped step',
  skip: 'skipped step',
  restart: 'restarted step',
  'bypass-signals': 'bypassed the signal dependencies of step',
  resume: 'resumed step',
};

export async function stepActionCommand(
  ctx: CommandContext,
  action: StepAction,
  workflowId: string,
  instance: string,
  stepId: string,
  flags: RunFlag & { reason?: string } = {},
): Promise<void> {
  const ref = refOf(workflowId, instance, flags.run);
  const req = { ref, stepId, reason: flags.reason ?? '' };
  const scheduler = ctx.clients().scheduler;
  const res =
    action === 'stop'
      ? await scheduler.stopStep(req)
      : action === 'skip'
        ? await scheduler.skipStep(req)
        : action === 'restart'
          ? await scheduler.restartStep(req)
          : action === 'resume'
            ? await scheduler.resumeStep({ ...req, key: '', attempt: 0, requestId: '' })
            : await scheduler.bypassSignalDependencies({ ...req, requestId: '' });
  ctx.out.result(
    res,
    (r, s) =>
      `${STEP_ACTION_DONE[action]} ${s.bold(stepId)} of ${refText(ref).replace(/ run 0$/, '')} ${s.dim(`(${r.status})`)}`,
  );
}

type Ctx = () => CommandContext;

export function registerRunCommands(program: Command, ctx: Ctx): void {
  const params = (cmd: Command) =>
    cmd
      .option(
        '--param <name=value>',
        'a run param; LONG/DOUBLE/BOOLEAN/STRING read from the text (repeatable)',
        collect,
      )
      .option(
        '--param-json <name=json>',
        'a run param given as JSON, for arrays and maps (repeatable)',
        collect,
      );
  const run = ['--run <r>', 'run number (default: the latest run)'] as const;
  params(
    program
      .command('start <workflow-id>')
      .description('start an instance of a workflow (prints its instance and run)')
      .option('--version <v>', 'latest, active, default (active, else latest) or a number'),
  )
    .option('--request-id <id>', 'idempotency key: a repeat returns the same instance')
    .option('--user <name>', 'initiator to record (default: $BATON_USER or $USER)')
    .option('-w, --watch', 'follow the run until it ends; exit 0 only if it SUCCEEDED')
    .action((id: string, flags: StartFlags) => startCommand(ctx(), id, flags));
  program
    .command('watch <workflow-id> <instance>')
    .description('follow a run live until it ends; exit 0 only if it SUCCEEDED')
    .option(...run)
    .action((id: string, instance: string, flags: RunFlag) => watchCommand(ctx(), id, instance, flags));
  program
    .command('status <workflow-id> <instance>')
    .description('a run: status, times, params, step counts, the last timeline entries')
    .option(...run)
    .option('--timeline <n>', 'timeline entries to show (0: none)', '10')
    .action((id: string, instance: string, flags: RunFlag & { timeline?: string }) =>
      statusCommand(ctx(), id, instance, flags),
    );
  program
    .command('steps <workflow-id> <instance>')
    .description("a run's steps: type, status, attempts, times, error")
    .option(...run)
    .option('--status <status>', 'only steps in this state (e.g. RUNNING, USER_FAILED)')
    .action((id: string, instance: string, flags: RunFlag & { status?: string }) =>
      stepsCommand(ctx(), id, instance, flags),
    );
  program
    .command('instances <workflow-id>')
    .description("a workflow's instances (latest run each), newest first")
    .option('--status <status>', 'only instances in this state (e.g. IN_PROGRESS, FAILED)')
    .option('--limit <n>', 'page size, 1..500 (default: the server default, 50)')
    .option('--all', 'follow page tokens to the last page')
    .option('--page-token <token>', 'start at this page')
    .action((id: string, flags: InstancesFlags) => instancesCommand(ctx(), id, flags));
  const reason = ['--reason <text>', 'recorded in the timeline'] as const;
  program
    .command('stop <workflow-id> <instance>')
    .description('stop a run: running steps are terminated, the run ends STOPPED')
    .option(...reason)
    .action((id: string, instance: string, flags: { reason?: string }) =>
      stopCommand(ctx(), id, instance, flags),
    );
  program
    .command('kill <workflow-id> <instance>')
    .description('kill a run: running steps are terminated, the run ends FAILED')
    .option(...reason)
    .action((id: string, instance: string, flags: { reason?: string }) =>
      killCommand(ctx(), id, instance, flags),
    );
  program
    .command('pause <workflow-id> [instance]')
    .description(
      'pause a run (running steps finish, no new step or iteration starts), or without an instance the workflow (new runs wait)',
    )
    .option(...reason)
    .action((id: string, instance: string | undefined, flags: { reason?: string }) =>
      pauseCommand(ctx(), id, instance, flags),
    );
  program
    .command('resume <workflow-id> [instance]')
    .description(
      'resume a paused run, or without an instance a paused workflow (its waiting runs start); --step: a step paused at a breakpoint',
    )
    .option(...reason)
    .option('--step <step-id>', 'resume this step of the run, paused at a breakpoint')
    .action((id: string, instance: string | undefined, flags: { reason?: string; step?: string }) =>
      resumeCommand(ctx(), id, instance, flags),
    );
  params(
    program
      .command('restart <workflow-id> <instance>')
      .description('restart a finished run as a new run of the same instance')
      .option('--mode <mode>', 'from-incomplete (default: keep what succeeded) or from-beginning'),
  )
    .option('--request-id <id>', 'idempotency key')
    .option('-w, --watch', 'follow the new run until it ends')
    .action((id: string, instance: string, flags: ParamFlags & { mode?: string; watch?: boolean }) =>
      restartCommand(ctx(), id, instance, flags),
    );
  program
    .command('unblock <workflow-id>')
    .description('let a STRICT_SEQUENTIAL workflow whose queue a failed run blocks go on')
    .action((id: string) => unblockCommand(ctx(), id));
  const step = program
    .command('step')
    .description('act on one step of a run: stop, skip, restart, bypass-signals, resume');
  const stepAction = (action: StepAction, description: string) =>
    step
      .command(`${action} <workflow-id> <instance> <step-id>`)
      .description(description)
      .option(...run)
      .option(...reason)
      .action((id: string, instance: string, stepId: string, flags: RunFlag & { reason?: string }) =>
        stepActionCommand(ctx(), action, id, instance, stepId, flags),
      );
  stepAction('stop', 'stop a running step (it ends STOPPED)');
  stepAction('skip', 'skip a step (SKIPPED): its successors go on');
  stepAction('restart', 'restart the run from this step');
  stepAction('bypass-signals', 'let a step in WAITING_FOR_SIGNALS go on without its signals');
  stepAction('resume', 'let a step paused at a breakpoint start (its attempt passes its breakpoints once)');
}

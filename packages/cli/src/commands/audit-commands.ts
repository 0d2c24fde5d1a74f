import type { AuditEvent } from '@baton/proto';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context';
import { parseInstant, parsePositiveInt } from '../parse-args';

// `baton audit`: the mutating calls the four services recorded (each keeps its own record),
// merged newest first.

export interface AuditFlags {
  principal?: string;
  method?: string;
  target?: string;
  since?: string;
  limit?: string;
}

const SERVICES = ['definition', 'scheduler', 'stepRuntime', 'signal'] as const;

export async function auditCommand(ctx: CommandContext, flags: AuditFlags = {}): Promise<void> {
  const limit = flags.limit === undefined ? 50 : parsePositiveInt(flags.limit, '--limit', 500);
  const req = {
    principal: flags.principal ?? '',
    method: flags.method ?? '',
    targetPrefix: flags.target ?? '',
    ...(flags.since ? { since: parseInstant(flags.since, '--since') } : {}),
    pageSize: limit,
  };
  const clients = ctx.clients();
  const pages = await Promise.all(SERVICES.map((s) => clients.audit[s].listAuditEvents(req)));
  const events = pages
    .flatMap((p) => p.events)
    .sort((a, b) => (b.time?.getTime() ?? 0) - (a.time?.getTime() ?? 0))
    .slice(0, limit);
  ctx.out.result({ events }, (r) => formatAudit(r.events));
}

export function formatAudit(events: AuditEvent[]): string {
  if (events.length === 0) return 'no audit events';
  return events
    .map((e) => {
      const method = e.method.replace(/^\/baton\.v1\./, '');
      const outcome = e.outcome === 'OK' ? 'OK' : `${e.outcome}${e.message ? `: ${e.message}` : ''}`;
      return `${e.time?.toISOString() ?? '-'}  ${e.principal}  ${method}  ${e.target || '-'}  ${outcome}`;
    })
    .join('\n');
}

export function registerAuditCommands(program: Command, ctx: () => CommandContext): void {
  program
    .command('audit')
    .description(
      'mutating calls recorded by every service: who, what, on which target, outcome (newest first)',
    )
    .option('--principal <name>', 'only this caller, e.g. token:ci or user:alice')
    .option('--method <path>', 'only this method, e.g. /baton.v1.SchedulerService/StartWorkflow')
    .option('--target <prefix>', 'only targets (workflow ids, signal names) starting with this')
    .option('--since <date>', 'only events at or after this instant')
    .option('--limit <n>', 'at most this many events, 1..500', '50')
    .action((flags: AuditFlags) => auditCommand(ctx(), flags));
}

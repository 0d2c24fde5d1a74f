import type { Command } from 'commander';
import type { CommandContext } from '../command-context';
import { registerAuditCommands } from './audit-commands';
import { registerBreakpointCommands } from './breakpoint-commands';
import { registerCompletionCommands } from './completion-commands';
import { registerDefinitionCommands } from './definition-commands';
import { registerLogCommands } from './log-commands';
import { registerPermitCommands } from './permit-commands';
import { registerRunCommands } from './run-commands';
import { registerSelCommands } from './sel-commands';
import { registerSignalCommands } from './signal-commands';
import { registerTemplateCommands } from './template-commands';
import { registerTriggerCommands } from './trigger-commands';

/**
 * Every command group, in the order `baton --help` lists them. A new group
 * is one file under commands/ with a `register…Commands(program, ctx)` function, added here.
 */
export const COMMAND_GROUPS: Array<(program: Command, ctx: () => CommandContext) => void> = [
  registerDefinitionCommands,
  registerTemplateCommands,
  registerRunCommands,
  registerPermitCommands,
  registerBreakpointCommands,
  registerLogCommands,
  registerSignalCommands,
  registerTriggerCommands,
  registerSelCommands,
  registerAuditCommands,
  registerCompletionCommands,
];

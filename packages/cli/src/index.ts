// @baton/cli: the `baton` command. `runCli` runs it in-process (tests, other tools);
// the command functions can be called directly with a context built by createCommandContext.
export { CliUsageError, ExitCode, exitCodeFor } from './cli-errors';
export type { CliIo, OutStream } from './cli-io';
export { type CommandContext, type ConnectFn, createCommandContext } from './command-context';
export * from './commands/definition-commands';
export * from './commands/log-commands';
export * from './commands/run-commands';
export { inferScalarType, parseRunParams } from './commands/run-params';
export * from './commands/signal-commands';
export * from './commands/trigger-commands';
export { type WatchRunOptions, watchRun } from './commands/watch-run';
export { type RunCliOptions, runCli } from './run-cli';

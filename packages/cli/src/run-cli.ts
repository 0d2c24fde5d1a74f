import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BatonClientError } from '@baton/sdk';
import { Command, CommanderError } from 'commander';
import { CliExit, CliUsageError, ExitCode, exitCodeFor } from './cli-errors';
import type { CliIo } from './cli-io';
import { type CommandContext, type ConnectFn, createCommandContext } from './command-context';
import { COMMAND_GROUPS } from './commands/index';
import { addGlobalOptions, connectOptionsFrom, type GlobalOptions, outputFormatOf } from './global-options';
import { OUTPUT_FORMATS, type OutputFormat } from './output/record-text';
import { environmentWith, loadProfile } from './profiles';
import { serviceHint, shownError } from './service-hint';

/** This CLI's version: its package's (the nearest package.json up from here that is ours). */
export const CLI_VERSION: string = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === '@baton/cli' && pkg.version) return pkg.version;
    } catch {
      // No package.json here: look further up.
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
})();

export interface RunCliOptions {
  /** Makes the service clients. Default: @baton/sdk's `connect`. Tests pass fakes. */
  connect?: ConnectFn;
}

/**
 * Runs `baton <argv>` and resolves to its exit code (0 ok, 1 failure or a watched run
 * that did not succeed, 2 usage or INVALID_ARGUMENT, 130 Ctrl-C while streaming). Never exits the process and writes only to `io`, so that
 * tests and other programs can call it. `argv` excludes node and the script.
 */
export async function runCli(argv: string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  // Only as the first word: after a command, --version selects a workflow version (get, start...),
  // and commander's own version flag would take it from them.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`baton ${CLI_VERSION} (API baton.v1)\n`);
    return ExitCode.OK;
  }
  // Before parsing succeeds, the format is known only from the raw words; parse errors need it too.
  const dashDash = argv.indexOf('--');
  const requested = rawFormat(dashDash === -1 ? argv : argv.slice(0, dashDash));
  let ctx: (CommandContext & { close(): void }) | undefined;
  const fallback = () => createCommandContext(io, { format: requested, connect: options.connect });

  const program = new Command('baton')
    .description('Baton workflow orchestrator: push workflow definitions, start, watch and steer their runs')
    .addHelpText('after', '\n`baton --version` (or -V) prints the CLI version.')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {}, // rendered below, in the same format as every other error
    });
  addGlobalOptions(program);
  program.hook('preAction', (_program, action) => {
    const globals = action.optsWithGlobals<GlobalOptions>();
    const env = io.env ?? process.env;
    const profile = loadProfile(globals.profile, env, (text) => io.stderr.write(`warning: ${text}\n`));
    ctx = createCommandContext(io, {
      format: globals.output || globals.json ? outputFormatOf(globals) : (profile?.output ?? 'text'),
      connectOptions: connectOptionsFrom(
        { ...globals, timeout: globals.timeout ?? profile?.timeout },
        environmentWith(profile, env),
      ),
      connect: options.connect,
    });
  });
  const current = () => {
    ctx ??= fallback();
    return ctx;
  };
  for (const register of COMMAND_GROUPS) register(program, current);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    return report(err, ctx ?? fallback());
  } finally {
    ctx?.close();
  }
}

/** -o/--output (in any of its spellings) or --json among the raw words; text otherwise. */
function rawFormat(words: string[]): OutputFormat {
  let format: OutputFormat = 'text';
  for (const [i, w] of words.entries()) {
    const value = w === '-o' || w === '--output' ? words[i + 1] : /^(?:-o=?|--output=)(.+)$/.exec(w)?.[1];
    if (value && (OUTPUT_FORMATS as readonly string[]).includes(value)) format = value as OutputFormat;
    else if (w === '--json' && format === 'text') format = 'json';
  }
  return format;
}

function report(err: unknown, ctx: CommandContext): number {
  if (err instanceof CommanderError) {
    // Help and version requests end the same way as failures in commander.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.OK;
    if (err.code === 'commander.help') return ExitCode.USAGE; // help shown because no command was given
    ctx.out.error(new CliUsageError(err.message.replace(/^error: /, '')), "run 'baton --help' for usage");
    return ExitCode.USAGE;
  }
  if (err instanceof CliExit) {
    if (err.message) ctx.out.note(err.message);
    return err.exitCode;
  }
  if (err instanceof BatonClientError) ctx.out.error(shownError(err, ctx), serviceHint(err, ctx));
  else ctx.out.error(err);
  return exitCodeFor(err);
}

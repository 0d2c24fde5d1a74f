import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliExit, ExitCode } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { parsePositiveInt } from '../parse-args';
import { refOf } from './run-commands';

// `baton logs`: a step attempt's stdout and stderr from step-runtime's GetStepLogs.

export interface LogsFlags {
  run?: string;
  attempt?: string;
  follow?: boolean;
}

/**
 * Copies the attempt's output as it arrives: stdout chunks to stdout, stderr chunks to
 * stderr (decoded as UTF-8 per stream, so a character split across chunks survives).
 * With `follow` the stream lasts until the attempt ends; Ctrl-C ends it with exit 130.
 * `--json` prints each GetStepLogsResponse as one JSON line on stdout (data in base64).
 */
export async function logsCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  stepId: string,
  flags: LogsFlags = {},
): Promise<void> {
  const ref = refOf(workflowId, instance, flags.run);
  const attemptId =
    flags.attempt === undefined ? 0 : parsePositiveInt(flags.attempt, '--attempt', 2 ** 31 - 1);
  const signal = ctx.io.signal;
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const target = (stream: string) => (stream === 'stderr' ? ctx.io.stderr : ctx.io.stdout);
  try {
    const stream = ctx.clients().stepRuntime.getStepLogs(
      {
        workflowId,
        instanceId: ref.instanceId,
        runId: ref.runId,
        stepId,
        attemptId,
        follow: flags.follow === true,
      },
      { signal },
    );
    for await (const chunk of stream) {
      if (ctx.out.json) {
        ctx.out.record(chunk);
        continue;
      }
      const name = chunk.stream === 'stderr' ? 'stderr' : 'stdout';
      const text = decoders[name].decode(chunk.data, { stream: true });
      if (text) target(name).write(text);
    }
  } catch (err) {
    if (signal?.aborted) throw new CliExit(ExitCode.INTERRUPTED);
    throw err;
  } finally {
    for (const name of ['stdout', 'stderr'] as const) {
      const rest = decoders[name].decode();
      if (rest && !ctx.out.json) target(name).write(rest);
    }
  }
}

/**
 * `baton notebook`: the executed notebook a Notebook step attempt kept (GetStepArtifact), to stdout
 * or to `--out FILE`.
 */
export async function notebookCommand(
  ctx: CommandContext,
  workflowId: string,
  instance: string,
  stepId: string,
  flags: Omit<LogsFlags, 'follow'> & { out?: string } = {},
): Promise<void> {
  const ref = refOf(workflowId, instance, flags.run);
  const attemptId =
    flags.attempt === undefined ? 0 : parsePositiveInt(flags.attempt, '--attempt', 2 ** 31 - 1);
  const chunks: Buffer[] = [];
  let name = '';
  for await (const c of ctx
    .clients()
    .stepRuntime.getStepArtifact(
      { workflowId, instanceId: ref.instanceId, runId: ref.runId, stepId, attemptId },
      { signal: ctx.io.signal },
    )) {
    name = c.name;
    chunks.push(Buffer.from(c.data));
  }
  const data = Buffer.concat(chunks);
  if (flags.out) {
    await writeFile(resolve(ctx.io.cwd ?? process.cwd(), flags.out), data);
    ctx.io.stderr.write(`wrote ${name} (${data.length} bytes) to ${flags.out}\n`);
  } else ctx.io.stdout.write(data.toString('utf8')); // a notebook is JSON text
}

export function registerLogCommands(program: Command, ctx: () => CommandContext): void {
  program
    .command('notebook <workflow-id> <instance> <step-id>')
    .description('the executed notebook a Notebook step kept (stdout, or --out FILE)')
    .option('--run <r>', 'run number (default: the latest run)')
    .option('--attempt <n>', 'attempt number (default: the latest attempt)')
    .option('--out <file>', 'write it to this file')
    .action((id: string, instance: string, stepId: string, flags: LogsFlags & { out?: string }) =>
      notebookCommand(ctx(), id, instance, stepId, flags),
    );
  program
    .command('logs <workflow-id> <instance> <step-id>')
    .description("a step attempt's output: stdout to stdout, stderr to stderr")
    .option('--run <r>', 'run number (default: the latest run)')
    .option('--attempt <n>', 'attempt number (default: the latest attempt)')
    .option('-f, --follow', 'keep printing until the attempt ends')
    .action((id: string, instance: string, stepId: string, flags: LogsFlags) =>
      logsCommand(ctx(), id, instance, stepId, flags),
    );
}

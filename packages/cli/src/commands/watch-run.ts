import type { InstanceRef } from '@baton/proto';
import { BatonClientError } from '@baton/sdk';
import { CliExit, ExitCode } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { pause } from '../pause';
import { TERMINAL_INSTANCE } from './step-status';
import { instanceTitle, type WatchMode, WatchPrinter } from './watch-view';

/** Stream failures worth reconnecting after (a restarted scheduler, a dropped connection). */
const RECONNECT_CODES = new Set(['UNAVAILABLE', 'CANCELLED', 'ABORTED', 'INTERNAL', 'UNKNOWN']);
/** How long to keep reconnecting without hearing from the scheduler. */
const RECONNECT_FOR_MS = 30_000;

export interface WatchRunOptions {
  /** Redraw period of the terminal view (the elapsed time). Default 1 s. */
  tickMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Pause before reconnecting (tests make it short). Default: 250 ms, doubling to 2 s. */
  backoffMs?: (attempt: number) => number;
}

/** How the watch view prints: JSON lines with --json, redrawn on a terminal, change lines otherwise. */
export function watchModeOf(ctx: CommandContext): WatchMode {
  if (ctx.out.json) return 'json';
  return ctx.io.stdout.isTTY === true && ctx.env.TERM !== 'dumb' ? 'tty' : 'plain';
}

/**
 * Follows a run with WatchInstance until it ends, printing the watch view. Resolves when
 * the run SUCCEEDED; otherwise throws CliExit 1 (the run ended otherwise) or 130 (Ctrl-C:
 * only the watching stops, never the run). A stream that breaks after the first message
 * is reopened (the scheduler may have restarted) for up to 30 s without news.
 */
export async function watchRun(
  ctx: CommandContext,
  ref: InstanceRef,
  options: WatchRunOptions = {},
): Promise<void> {
  const signal = ctx.io.signal;
  const mode = watchModeOf(ctx);
  const stdout = ctx.io.stdout as { columns?: number; rows?: number };
  const printer = new WatchPrinter(ctx.io.stdout, {
    mode,
    format: ctx.out.format === 'yaml' ? 'yaml' : 'json',
    style: ctx.out.style,
    now: options.now,
    size: () => ({ columns: stdout.columns, rows: stdout.rows }),
  });
  const timer = mode === 'tty' ? setInterval(() => printer.tick(), options.tickMs ?? 1000) : undefined;
  const backoff = options.backoffMs ?? ((n: number) => Math.min(2000, 250 * 2 ** n));
  const interrupted = () =>
    new CliExit(
      ExitCode.INTERRUPTED,
      `stopped watching; the run goes on (baton watch ${ref.workflowId} ${ref.instanceId}${
        printer.instance?.ref?.runId ? ` --run ${printer.instance.ref.runId}` : ''
      })`,
    );
  let lastNews = Date.now();
  let reconnects = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw interrupted();
      try {
        // After the first message, follow that very run (a restart meanwhile makes a new one).
        const current = printer.instance?.ref ?? ref;
        for await (const msg of ctx.clients().scheduler.watchInstance({ ref: current }, { signal })) {
          printer.update(msg);
          lastNews = Date.now();
          reconnects = 0;
        }
        if (!printer.instance) throw new Error('the scheduler ended the watch stream without a message');
        if (TERMINAL_INSTANCE.has(printer.instance.status)) break;
      } catch (err) {
        if (signal?.aborted) throw interrupted();
        const retry =
          printer.instance !== undefined &&
          err instanceof BatonClientError &&
          RECONNECT_CODES.has(err.code) &&
          Date.now() - lastNews < RECONNECT_FOR_MS;
        if (!retry) throw err;
      }
      if (Date.now() - lastNews >= RECONNECT_FOR_MS) {
        throw new Error(
          `the watch stream of ${instanceTitle(printer.instance!)} keeps ending before the run does`,
        );
      }
      await pause(backoff(reconnects++), signal);
    }
  } finally {
    if (timer) clearInterval(timer);
    printer.close();
  }
  const inst = printer.instance!;
  if (inst.status !== 'SUCCEEDED') {
    throw new CliExit(ExitCode.FAILURE, `${instanceTitle(inst)} ended ${inst.status}, not SUCCEEDED`);
  }
}

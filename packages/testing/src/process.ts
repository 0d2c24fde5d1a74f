// Child processes in their own process groups, killed when this process exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from './wait';

const live = new Set<ChildProcess>();
/** Temp dirs we created; removed on exit if stop() was never called. */
const ownDirs = new Set<string>();
let exitHookInstalled = false;

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
  for (const dir of ownDirs) rmSync(dir, { recursive: true, force: true });
  ownDirs.clear();
}

export function makeOwnDir(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  ownDirs.add(dir);
  return dir;
}

export function removeOwnDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  ownDirs.delete(dir);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllNow);
  // A signal that nobody else handles would kill us without running 'exit' handlers: kill the
  // children, then die of the same signal as before.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/** How many children started here are still running (for tests of this package). */
export function liveChildCount(): number {
  return live.size;
}

export interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
  /** Exit description once it has exited, else undefined. */
  exitInfo(): string | undefined;
  /** Last lines of stdout+stderr. */
  tail(): string;
  /** Resolves with the first stdout line that matches, rejects if the process exits first. */
  stdoutLine(re: RegExp): Promise<RegExpMatchArray>;
}

const TAIL_BYTES = 8192;

export function startProc(
  cmd: string,
  args: string[],
  label: string,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string; uid?: number; gid?: number } = {},
): Proc {
  installExitHook();
  const child = spawn(cmd, args, {
    detached: true, // own process group, so kill(-pid) takes everything with it
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  live.add(child);
  let out = '';
  let info: string | undefined;
  const lineWaiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] =
    [];
  let stdoutBuf = '';
  // With a log file the whole output is kept there; the in-memory tail stays small either way.
  const logStream = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  logStream?.on('error', () => {});
  const append = (chunk: Buffer): void => {
    logStream?.write(chunk);
    out += chunk.toString('utf8');
    if (out.length > TAIL_BYTES) out = out.slice(out.length - TAIL_BYTES);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    append(chunk);
    stdoutBuf += chunk.toString('utf8');
    let nl = stdoutBuf.indexOf('\n');
    while (nl >= 0) {
      const line = stdoutBuf.slice(0, nl);
      stdoutBuf = stdoutBuf.slice(nl + 1);
      for (let i = lineWaiters.length - 1; i >= 0; i--) {
        const w = lineWaiters[i];
        const m = line.match(w.re);
        if (m) {
          lineWaiters.splice(i, 1);
          w.resolve(m);
        }
      }
      nl = stdoutBuf.indexOf('\n');
    }
    if (stdoutBuf.length > TAIL_BYTES) stdoutBuf = stdoutBuf.slice(-TAIL_BYTES);
  });
  child.stderr?.on('data', append);
  // The launcher exits when its stdin closes, i.e. also when we are SIGKILLed.
  child.stdin?.on('error', () => {});
  const exited = new Promise<void>((resolve) => {
    const done = (desc: string): void => {
      if (info !== undefined) return;
      info = desc;
      logStream?.end();
      live.delete(child);
      for (const w of lineWaiters.splice(0)) w.reject(new Error(`${label} ${desc}`));
      resolve();
    };
    child.on('error', (err) => done(`failed to start: ${err.message}`));
    child.on('exit', (code, signal) => done(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  });
  // Never keep the event loop alive just for a child: a test that forgets stop() must still end
  // (the exit hook then kills the child).
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) {
    (s as unknown as { unref?: () => void } | null)?.unref?.();
  }
  return {
    child,
    exited,
    exitInfo: () => info,
    tail: () => out.trimEnd(),
    stdoutLine: (re) =>
      new Promise((resolve, reject) => {
        if (info !== undefined) reject(new Error(`${label} ${info}`));
        else lineWaiters.push({ re, resolve, reject });
      }),
  };
}

/** SIGTERM the group, wait up to `graceMs`, then SIGKILL. */
export async function stopProc(p: Proc, graceMs: number): Promise<void> {
  if (p.exitInfo() !== undefined) return;
  // While we wait for it, the child holds the event loop (it is unref'd otherwise): waiting on its
  // exit alone after a SIGKILL let this process end before the exit was seen, silently, with
  // status 0 — and the error that led to the stop was never printed.
  p.child.ref();
  killGroup(p.child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    p.exited.then(() => false),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(true), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    killGroup(p.child, 'SIGKILL');
    await p.exited;
  }
}

export function failure(label: string, p: Proc, what: string, cause?: unknown): Error {
  const exit = p.exitInfo();
  const tail = p.tail();
  const lines = [
    `${label}: ${what}${exit ? ` (process ${exit})` : ''}${cause ? `: ${errorMessage(cause)}` : ''}`,
    tail ? `--- output tail ---\n${tail}` : '--- no output ---',
  ];
  return new Error(lines.join('\n'));
}

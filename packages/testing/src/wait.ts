// Polling with deadlines (no sleep-and-hope) and free loopback ports.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface WaitForOptions {
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Pause between polls (default 50 ms). */
  intervalMs?: number;
  /** What is being waited for; named in the timeout error. */
  what: string;
}

/**
 * Polls `cond` until it returns true, or throws once `timeoutMs` has passed. A `cond` that throws
 * counts as "not yet"; the last such error is quoted in the timeout error.
 */
export async function waitFor(cond: () => Promise<boolean> | boolean, opts: WaitForOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await cond()) return;
    } catch (err) {
      if (err instanceof FatalWaitError) throw err.cause;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${errorMessage(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}${why}`);
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** Thrown inside a waitFor condition to stop waiting at once (e.g. the process died). */
export class FatalWaitError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
  declare cause: Error;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bound to :0, read, closed). */
/**
 * A free TCP port on 127.0.0.1 for a server started next, chosen BELOW the kernel's ephemeral range:
 * a port from that range (what listen(0) hands out) can be taken by any outgoing connection between
 * this check and the server's bind — a stack once failed to start on EADDRINUSE that way. Picked at
 * random, checked by binding it, and never handed out twice by this process.
 */
export async function freePort(): Promise<number> {
  const [low, high] = portRange();
  for (let tries = 0; tries < 200; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`freePort: no free port between ${low} and ${high}`);
}

const handedOut = new Set<number>();

/** [15000, the ephemeral range's start): 32768 on Linux unless configured otherwise. */
function portRange(): [number, number] {
  let ephemeralLow = 32768;
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(first) && first > 16000) ephemeralLow = first;
  } catch {
    // not Linux: keep the usual start
  }
  return [15000, ephemeralLow];
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

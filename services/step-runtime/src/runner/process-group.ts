import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * User code runs as the leader of its own process group (spawned detached: setsid), so its pid is
 * the group id and every descendant that does not call setsid itself stays in the group. Signalling
 * `-pgid` reaches them all; that is how no orphan survives a stop, a timeout, or the script's end.
 */

/** Sends `signal` to the whole group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return true;
    throw err;
  }
}

/**
 * True while a member of the group is still running. A member that already died but was reparented
 * to an init that reaps slowly stays visible to kill() as a zombie; on Linux we look at /proc so a
 * group of zombies counts as gone (it can run no code and hold no pipe).
 */
export function groupHasLiveMember(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ..." — comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** Polls `done` every `intervalMs` until it holds (true) or `timeoutMs` passes (false). */
export async function waitUntil(done: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    await delay(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

export type TerminateResult = 'gone' | 'terminated' | 'killed' | 'stuck';

/**
 * SIGTERM (plus SIGCONT, so stopped members see it) to the group, up to `graceMs` for it to empty,
 * then SIGKILL and up to `killWaitMs` more. 'stuck' means members survived SIGKILL (uninterruptible
 * I/O); nothing more can be done from user space. Never throws.
 */
export async function terminateGroup(
  pgid: number,
  graceMs: number,
  killWaitMs = 2_000,
): Promise<TerminateResult> {
  try {
    if (!groupHasLiveMember(pgid)) return 'gone';
    signalGroup(pgid, 'SIGTERM');
    signalGroup(pgid, 'SIGCONT');
    if (await waitUntil(() => !groupHasLiveMember(pgid), graceMs)) return 'terminated';
    signalGroup(pgid, 'SIGKILL');
    return (await waitUntil(() => !groupHasLiveMember(pgid), killWaitMs)) ? 'killed' : 'stuck';
  } catch {
    return 'stuck';
  }
}

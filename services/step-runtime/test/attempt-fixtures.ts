import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { AttemptSpec, LogChunk } from '../src/runner/attempt-types.js';

let counter = 0;

/** A spec with a unique attempt key; each test namespaces its attempts by `label`. */
export function makeSpec(label: string, overrides: Partial<AttemptSpec> = {}): AttemptSpec {
  counter += 1;
  return {
    workflowId: `test.runner.${label}`,
    instanceId: 7,
    runId: 2,
    stepId: 'step_1',
    attemptId: 1,
    attemptKey: `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    stepType: 'SHELL',
    params: {},
    ...overrides,
  };
}

export function shell(label: string, script: string, extra: Partial<AttemptSpec> = {}): AttemptSpec {
  return makeSpec(label, { ...extra, params: { shell: { script }, ...(extra.params ?? {}) } });
}

/** A private work root; remove it with the returned function. */
export function tempRoot(label: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `baton-runner-${label}-`));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Collects log chunks; `text(stream)` joins one stream's bytes. */
export function logSink(): {
  chunks: LogChunk[];
  onLog: (c: LogChunk) => void;
  text: (s?: LogChunk['stream']) => string;
} {
  const chunks: LogChunk[] = [];
  return {
    chunks,
    onLog: (c) => chunks.push(c),
    text: (s) =>
      Buffer.concat(chunks.filter((c) => s === undefined || c.stream === s).map((c) => c.data)).toString(
        'utf8',
      ),
  };
}

/**
 * Alive = kill(pid, 0) succeeds and the process is not a zombie. Orphans are reparented to init,
 * which on this machine reaps them after up to a couple of seconds; a zombie runs nothing.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls until `cond` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

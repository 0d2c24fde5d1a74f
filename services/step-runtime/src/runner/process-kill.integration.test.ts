import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterAll, test } from '@jest/globals';
import type { LogChunk, RunningAttempt } from './attempt-types.js';
import { runAttempt } from './run-attempt.js';
import { isAlive, shell, tempRoot, waitFor } from '../../test/attempt-fixtures.js';

const { root, cleanup } = tempRoot('kill');
afterAll(cleanup);

/** Starts a script and resolves the pids it reports as `bg=<pid>` lines, once `ready` is printed. */
function start(
  label: string,
  script: string,
  extra: { timeoutSeconds?: number; killGraceMs?: number; stdioDrainMs?: number } = {},
) {
  let text = '';
  const running: RunningAttempt = runAttempt(shell(label, script, { timeoutSeconds: extra.timeoutSeconds }), {
    workRoot: root,
    killGraceMs: extra.killGraceMs ?? 500,
    stdioDrainMs: extra.stdioDrainMs,
    onLog: (c: LogChunk) => (text += c.data.toString()),
  });
  const ready = async () => {
    await waitFor(`${label} to print ready`, () => text.includes('ready\n'));
    return [...text.matchAll(/bg=(\d+)/g)].map((m) => Number(m[1]));
  };
  return { running, ready };
}

/** A background grandchild (in the group) and a foreground sleep the script waits on. */
const BUSY = 'sleep 1000 &\necho "bg=$!"\necho ready\nsleep 1000\n';

test('timeout → TIMED_OUT, and the whole group, background grandchild included, is gone', async () => {
  const t0 = Date.now();
  const { running, ready } = start('timeout', BUSY, { timeoutSeconds: 0.5 });
  const [bg] = await ready();
  const leader = running.pid;
  assert.ok(leader && isAlive(leader) && isAlive(bg));
  const out = await running.result;
  assert.equal(out.status, 'TIMED_OUT');
  assert.equal(out.error, 'timed out after 0.5 s');
  assert.equal(out.signal, 'SIGTERM');
  assert.ok(Date.now() - t0 >= 500);
  await waitFor('the timed-out group to be gone', () => !isAlive(leader) && !isAlive(bg), 3_000);
  assert.ok(out.workDir && !existsSync(out.workDir));
});

test('cancel → STOPPED with the reason, and the whole group is gone', async () => {
  const { running, ready } = start('cancel', BUSY);
  const [bg] = await ready();
  const leader = running.pid as number;
  running.cancel('user asked');
  running.cancel('second call is ignored');
  const out = await running.result;
  assert.equal(out.status, 'STOPPED');
  assert.equal(out.error, 'stopped: user asked');
  assert.deepEqual(out.outputs, {});
  await waitFor('the cancelled group to be gone', () => !isAlive(leader) && !isAlive(bg), 3_000);
});

test('a group that ignores SIGTERM is SIGKILLed after the grace', async () => {
  const t0 = Date.now();
  const { running, ready } = start('sigkill', `trap '' TERM\n${BUSY}`, { killGraceMs: 300 });
  const [bg] = await ready();
  const leader = running.pid as number;
  running.cancel('stubborn');
  const out = await running.result;
  assert.equal(out.status, 'STOPPED');
  assert.equal(out.signal, 'SIGKILL');
  assert.ok(Date.now() - t0 >= 300, 'waited for the grace first');
  await waitFor('the stubborn group to be gone', () => !isAlive(leader) && !isAlive(bg), 3_000);
});

test('background processes left running by a finished script are terminated with it', async () => {
  const { running, ready } = start(
    'leftover',
    'sleep 1000 &\necho "bg=$!"\n( sleep 1000 ) &\necho "bg=$!"\necho ready\n',
  );
  const bgs = await ready();
  const out = await running.result;
  assert.equal(out.status, 'SUCCEEDED');
  await waitFor('leftover processes to be gone', () => bgs.every((pid) => !isAlive(pid)), 3_000);
});

test('cancel before the process starts → STOPPED without running anything', async () => {
  const running = runAttempt(shell('early', 'echo should-not-run'), { workRoot: root });
  running.cancel('changed my mind');
  const out = await running.result;
  assert.equal(out.status, 'STOPPED');
  assert.equal(out.error, 'stopped: changed my mind');
  assert.equal(running.pid, undefined);
  assert.equal(out.logBytes, 0);
});

test('cancel after the attempt ended changes nothing', async () => {
  const running = runAttempt(shell('late', 'true'), { workRoot: root });
  const out = await running.result;
  running.cancel('too late');
  assert.equal(out.status, 'SUCCEEDED');
});

test('a process that escapes the group with setsid cannot hold the result: pipes are released after stdioDrainMs', async () => {
  // The script waits until the child really is in its own session, so the group kill cannot reach it.
  const script =
    'setsid sleep 1000 &\nbg=$!\necho "bg=$bg"\nuntil [ "$(ps -o sid= -p $bg | tr -d " ")" = "$bg" ]; do sleep 0.01; done\necho ready\n';
  const t0 = Date.now();
  const { running, ready } = start('escape', script, { stdioDrainMs: 200 });
  const [escaped] = await ready();
  try {
    const out = await running.result;
    assert.equal(out.status, 'SUCCEEDED');
    assert.ok(isAlive(escaped), 'it did escape the group');
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 200 && elapsed < 2_000, `waited for the drain, then let go (${elapsed} ms)`);
  } finally {
    // It left our process group, so it is this test's to clean up (a documented limit of the runner).
    try {
      process.kill(escaped, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

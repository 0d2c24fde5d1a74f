import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, test } from '@jest/globals';
import type { AttemptOutcome, AttemptSpec } from './attempt-types.js';
import { logSink, makeSpec, shell, tempRoot, waitFor } from '../../test/attempt-fixtures.js';
import {
  canIsolate,
  isolatedArgv,
  lookupUser,
  resolveIsolateBin,
  type StepIsolation,
  type StepLimits,
} from './isolation.js';
import { runAttempt } from './run-attempt.js';

// Isolation needs root (setuid, namespaces); CI and local stacks run as root. Elsewhere these skip.
const skip = canIsolate() ? false : 'needs root';
const { root, cleanup } = tempRoot('isolation');
afterAll(cleanup);

const NO_LIMITS: StepLimits = { cpuSeconds: 0, memoryBytes: 0, processes: 0, fileSizeBytes: 0 };

// baton-isolate when scripts/install-tools.sh built it; STEP_ISOLATE_BIN=none tests the util-linux chain.
const isolateBin = resolveIsolateBin(process.env.STEP_ISOLATE_BIN);

function isolation(limits: Partial<StepLimits> = {}): StepIsolation {
  const { uid, gid } = lookupUser('nobody');
  return {
    user: 'nobody',
    uid,
    gid,
    pidNamespace: true,
    limits: { ...NO_LIMITS, ...limits },
    ...(isolateBin !== undefined ? { isolateBin } : {}),
  };
}

test(`confined by ${isolateBin ?? 'the util-linux chain'}`, () => {
  const iso: StepIsolation = {
    user: 'nobody',
    uid: 65534,
    gid: 65534,
    pidNamespace: true,
    limits: { cpuSeconds: 10, memoryBytes: 1024, processes: 0, fileSizeBytes: 7 },
  };
  assert.deepEqual(isolatedArgv({ ...iso, isolateBin: '/x/baton-isolate' }, 'bash', ['s.sh']), [
    '/x/baton-isolate',
    [
      '--uid',
      '65534',
      '--gid',
      '65534',
      '--cpu',
      '10',
      '--as',
      '1024',
      '--fsize',
      '7',
      '--pidns',
      '--',
      'bash',
      's.sh',
    ],
  ]);
  const [unshare, args] = isolatedArgv(iso, 'bash', ['s.sh']);
  assert.equal(unshare, 'unshare');
  assert.deepEqual(args.slice(-13), [
    'prlimit',
    '--cpu=10:11',
    '--as=1024',
    '--fsize=7',
    '--',
    'setpriv',
    '--reuid=65534',
    '--regid=65534',
    '--clear-groups',
    '--inh-caps=-all',
    '--',
    'bash',
    's.sh',
  ]);
});

function run(spec: AttemptSpec, limits: Partial<StepLimits> = {}) {
  const log = logSink();
  const running = runAttempt(spec, {
    workRoot: root,
    killGraceMs: 500,
    onLog: log.onLog,
    isolation: isolation(limits),
  });
  return { running, log };
}

/** Host pids of live processes whose command line contains `marker` (they may sit in another PID namespace). */
function pidsWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state === 'Z' || state === 'X') continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(marker)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

(skip ? test.skip : test)(
  'user code runs as the step user and cannot read the service environment',
  async () => {
    // A secret only this (the "service") process has; the probe searches every environ it can open.
    process.env.BATON_TEST_SECRET_URL = 'mongodb://secret-marker-4711';
    const script = [
      'echo "uid=$(id -u)"',
      'if cat "/proc/$PPID/environ" >/dev/null 2>&1; then echo "parent environ: readable"; fi',
      'if grep -l secret-marker-4711 /proc/*/environ 2>/dev/null; then echo "secret: FOUND"; fi',
      `if cat ${JSON.stringify(`/proc/${process.pid}/environ`)} >/dev/null 2>&1; then echo "service environ: readable"; fi`,
      'echo ok > "$BATON_WORK_DIR/mine" && echo "{\\"w\\": true}" > "$BATON_OUTPUT_FILE"',
    ].join('\n');
    const { running, log } = run(shell('env-probe', script));
    const out = await running.result;
    delete process.env.BATON_TEST_SECRET_URL;
    assert.equal(out.status, 'SUCCEEDED', log.text());
    assert.match(log.text('stdout'), new RegExp(`uid=${lookupUser('nobody').uid}\\n`));
    assert.doesNotMatch(log.text(), /readable|FOUND/);
    assert.deepEqual(out.outputs, { w: true });
  },
);

(skip ? test.skip : test)('a setsid child and a double-forked daemon die when the script exits', async () => {
  const marker = `iso-leftover-${process.pid}-${Date.now()}`;
  const script = [
    `setsid sh -c 'sleep 1000; : ${marker}' >/dev/null 2>&1 &`,
    `( ( setsid sh -c 'sleep 1000; : ${marker}' >/dev/null 2>&1 & ) & )`,
    `nohup setsid sh -c 'sleep 1000; : ${marker}' >/dev/null 2>&1 &`,
    'sleep 0.3',
    'echo started',
  ].join('\n');
  const { running, log } = run(shell('setsid-exit', script));
  const seen: number[] = [];
  const poll = setInterval(() => seen.push(...pidsWith(marker)), 20);
  const out = await running.result;
  clearInterval(poll);
  assert.equal(out.status, 'SUCCEEDED', log.text());
  assert.ok(seen.length > 0, 'the escapees were running during the step');
  await waitFor('every escaped process to be gone', () => pidsWith(marker).length === 0, 3_000);
});

(skip ? test.skip : test)('a setsid child dies when the attempt is cancelled', async () => {
  const marker = `iso-cancel-${process.pid}-${Date.now()}`;
  const script = `setsid sh -c 'sleep 1000; : ${marker}' >/dev/null 2>&1 &\necho ready\nsleep 1000\n`;
  const { running, log } = run(shell('setsid-cancel', script));
  await waitFor('ready', () => log.text().includes('ready') && pidsWith(marker).length > 0);
  const t0 = Date.now();
  running.cancel('test');
  const out = await running.result;
  assert.equal(out.status, 'STOPPED');
  assert.ok(Date.now() - t0 < 2_000, 'SIGTERM reached the script through the namespace init');
  await waitFor('the setsid child to be gone', () => pidsWith(marker).length === 0, 3_000);
});

async function limited(label: string, script: string, limits: Partial<StepLimits>, python = false) {
  const spec = python
    ? makeSpec(label, { stepType: 'PYTHON', params: { python: { script } } })
    : shell(label, script);
  const { running, log } = run(spec, limits);
  const out: AttemptOutcome = await running.result;
  return { out, text: log.text() };
}

(skip ? test.skip : test)('file size limit: a write beyond it fails the step, naming the limit', async () => {
  const { out } = await limited('fsize', 'set -e\nhead -c 2000000 /dev/zero > big\necho wrote', {
    fileSizeBytes: 1_000_000,
  });
  assert.equal(out.status, 'USER_FAILED');
  assert.equal(out.signal, 'SIGXFSZ');
  assert.match(out.error ?? '', /file size limit of 1000000 bytes exceeded/);
});

(skip ? test.skip : test)('process limit: forks beyond it fail', async () => {
  const script = [
    'import os, sys, time',
    'n = 0',
    'try:',
    '    for _ in range(200):',
    '        if os.fork() == 0:',
    '            time.sleep(30); os._exit(0)',
    '        n += 1',
    'except BlockingIOError as e:',
    '    sys.exit(f"fork refused after {n}: {e}")',
    'print("forked", n)',
  ].join('\n');
  const { out, text } = await limited('nproc', script, { processes: 20 }, true);
  assert.equal(out.status, 'USER_FAILED', text);
  assert.match(text, /fork refused after \d+: .*Resource temporarily unavailable/);
});

(skip ? test.skip : test)('memory limit: an allocation beyond it fails', async () => {
  const { out, text } = await limited(
    'mem',
    'b = bytearray(800 * 1024 * 1024)\nprint("allocated")',
    { memoryBytes: 256 * 1024 * 1024 },
    true,
  );
  assert.equal(out.status, 'USER_FAILED');
  assert.match(text, /MemoryError/);
  assert.doesNotMatch(text, /allocated/);
});

(skip ? test.skip : test)('CPU limit: a busy loop is killed, naming the limit', async () => {
  const { out } = await limited('cpu', 'while :; do :; done', { cpuSeconds: 1 });
  assert.equal(out.status, 'USER_FAILED');
  assert.equal(out.signal, 'SIGXCPU');
  assert.match(out.error ?? '', /CPU time limit of 1 s exceeded/);
});

test('work dir quota: a step that fills its dir past the quota is stopped and fails, naming it', async () => {
  const spec = shell(
    'quota',
    'for i in $(seq 1 50); do head -c 1000000 /dev/zero > "f$i"; done\necho filled\nsleep 1000',
  );
  const log = logSink();
  const running = runAttempt(spec, {
    workRoot: root,
    killGraceMs: 500,
    onLog: log.onLog,
    maxWorkDirBytes: 5_000_000,
    diskCheckMs: 50,
  });
  const out = await running.result;
  assert.equal(out.status, 'USER_FAILED', log.text());
  assert.match(out.error ?? '', /work dir went over its quota of 5000000 bytes/);
});

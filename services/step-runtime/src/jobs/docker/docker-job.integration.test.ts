import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type PodmanHandle, startPodman } from '@baton/testing';
import { logSink, makeSpec, tempRoot } from '../../../test/attempt-fixtures.js';
import type { JsonValue } from '../../runner/attempt-types.js';
import { runAttempt } from '../../runner/run-attempt.js';
import { DockerEngine } from './docker-engine.js';
import { jobSettings } from '../job-settings.js';
import type { JobSettings } from '../job.js';

// Docker steps against a real engine: a private Podman serving the Docker API, with a busybox image.
const { root, cleanup } = tempRoot('docker');
let podman: PodmanHandle;
let settings: JobSettings;

beforeAll(async () => {
  podman = await startPodman();
  settings = jobSettings('', '', podman.dockerHost);
});
afterAll(async () => {
  await podman?.stop();
  cleanup();
});

function docker(
  params: Record<string, JsonValue>,
  extra: { timeoutSeconds?: number; engine?: JobSettings } = {},
) {
  const sink = logSink();
  const attempt = runAttempt(
    makeSpec('docker', {
      stepType: 'DOCKER',
      params: { docker: { image: podman.image, pull: 'never', ...params }, who: 'Ada' },
      ...(extra.timeoutSeconds ? { timeoutSeconds: extra.timeoutSeconds } : {}),
    }),
    { workRoot: root, onLog: sink.onLog, jobs: extra.engine ?? settings },
  );
  return { attempt, sink };
}

const containers = () => podman.podman(['ps', '--all', '--format', '{{.Names}}']).trim();

describe('Docker step', () => {
  test('runs the command; logs stream; the output file becomes outputs; params arrive as env', async () => {
    const { attempt, sink } = docker({
      command: [
        'sh',
        '-c',
        'echo "hello $who"; echo oops >&2; echo "{\\"n\\": 7, \\"attempt\\": \\"$BATON_ATTEMPT_NUMBER\\"}" > "$BATON_OUTPUT_FILE"',
      ],
    });
    const out = await attempt.result;
    assert.equal(out.status, 'SUCCEEDED', `${out.error} ${sink.text()}`);
    assert.deepEqual(out.outputs, { n: 7, attempt: '1' });
    assert.equal(sink.text('stdout'), 'hello Ada\n');
    assert.match(sink.text('stderr'), /oops/);
    assert.equal(containers(), '', 'the container is removed');
  });

  test('a non-zero exit is USER_FAILED; baton_retryable false makes it FATAL; no network by default', async () => {
    const failed = await docker({ command: ['sh', '-c', 'exit 3'] }).attempt.result;
    assert.equal(failed.status, 'USER_FAILED');
    assert.match(failed.error ?? '', /exited with code 3/);
    const fatal = await docker({
      command: [
        'sh',
        '-c',
        'echo "{\\"baton_retryable\\": false, \\"baton_error\\": \\"bad input\\"}" > "$BATON_OUTPUT_FILE"; exit 1',
      ],
    }).attempt.result;
    assert.equal(fatal.status, 'FATALLY_FAILED');
    assert.match(fatal.error ?? '', /bad input/);
    const { attempt, sink } = docker({ command: ['sh', '-c', 'ls /sys/class/net'] });
    assert.equal((await attempt.result).status, 'SUCCEEDED');
    assert.equal(sink.text('stdout').trim(), 'lo', 'only loopback: network none');
  });

  test('timeout and stop stop and remove the container', async () => {
    const t0 = Date.now();
    const timed = await docker({ command: ['sleep', '60'] }, { timeoutSeconds: 1 }).attempt.result;
    assert.equal(timed.status, 'TIMED_OUT');
    const { attempt, sink } = docker({ command: ['sh', '-c', 'echo started; sleep 60'] });
    while (!sink.text().includes('started') && Date.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 50));
    attempt.cancel('operator');
    assert.equal((await attempt.result).status, 'STOPPED');
    assert.ok(Date.now() - t0 < 25_000);
    assert.equal(containers(), '', 'no container left');
  });

  test('bad params fail FATALLY; a missing image with pull never is FATAL; no engine is PLATFORM', async () => {
    for (const [params, re] of [
      [{ image: 'Not An Image' }, /docker.image/],
      [{ command: 'echo hi' }, /docker.command/],
      [{ network: 'host' }, /docker.network/],
      [{ memory: 'lots' }, /docker.memory/],
      [{ image: 'localhost/nope:1' }, /not on this engine/],
    ] as const) {
      const out = await docker(params as Record<string, JsonValue>).attempt.result;
      assert.equal(out.status, 'FATALLY_FAILED', JSON.stringify(params));
      assert.match(out.error ?? '', re);
    }
    const dead = { ...settings, docker: new DockerEngine('unix:///nonexistent/docker.sock') };
    const out = await docker({ command: ['true'] }, { engine: dead }).attempt.result;
    assert.equal(out.status, 'PLATFORM_FAILED');
    assert.match(out.error ?? '', /no container engine answers at unix:\/\/\/nonexistent/);
  });
});

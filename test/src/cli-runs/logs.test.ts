import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { useStack } from '../support/stack';
import { baton, batonAsync, instanceOf, pushWorkflow } from './baton';

// `baton logs`: a Shell step's stdout and stderr through step-runtime's GetStepLogs.

const env = useStack({ services: ['definition', 'scheduler', 'step-runtime'] });

const shell = (id: string, script: string) => ({
  step: { id, type: 'Shell', params: { script: { value: script, type: 'STRING' } } },
});

describe('baton logs against a real step-runtime', () => {
  test('logs prints stdout to stdout and stderr to stderr', () => {
    pushWorkflow(env, { id: 'cli.say', steps: [shell('say', 'echo out-line; echo err-line >&2')] });
    const run = baton(env, ['start', 'cli.say', '--watch']);
    assert.equal(run.code, 0, `${run.out}\n${run.err}`);
    const logs = baton(env, ['logs', 'cli.say', instanceOf(run.out), 'say']);
    assert.equal(logs.code, 0, logs.err);
    assert.equal(logs.out, 'out-line\n');
    assert.equal(logs.err, 'err-line\n');
    const json = baton(env, ['--json', 'logs', 'cli.say', instanceOf(run.out), 'say']);
    const chunks = json.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(chunks.map((c) => c.stream).sort(), ['stderr', 'stdout']);
    assert.equal(
      Buffer.from(chunks.find((c) => c.stream === 'stdout').data, 'base64').toString(),
      'out-line\n',
    );
  });

  test('logs -f follows a running step until its attempt ends', async () => {
    pushWorkflow(env, {
      id: 'cli.slow',
      steps: [shell('work', 'echo first; sleep 2; echo second')],
    });
    const run = baton(env, ['start', 'cli.slow']);
    assert.equal(run.code, 0, run.err);
    const instance = instanceOf(run.out);
    await waitFor(
      () => {
        const r = baton(env, ['--json', 'steps', 'cli.slow', instance]);
        return JSON.parse(r.out).stepRuns[0].status === 'RUNNING';
      },
      { timeoutMs: 20_000, what: 'the Shell step to run' },
    );
    const follow = batonAsync(env, ['logs', 'cli.slow', instance, 'work', '-f']);
    await waitFor(() => follow.out().includes('first\n'), { timeoutMs: 10_000, what: 'the first line live' });
    assert.ok(!follow.out().includes('second'), 'the second line is not written yet');
    const r = await follow.done;
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'first\nsecond\n');
  });
});

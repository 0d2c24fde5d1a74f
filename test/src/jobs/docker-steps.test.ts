import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type BatonClients, connect, fromParamValue } from '@baton/sdk';
import { type PodmanHandle, type Stack, startPodman, startStack, waitFor } from '@baton/testing';
import { push, waitEnd } from '../scheduler/support';
import { readRepoFile } from '../support/repo';

// Docker steps through the four services, on a private Podman serving the Docker API.
let podman: PodmanHandle;
let stack: Stack;
let clients: BatonClients;

beforeAll(async () => {
  podman = await startPodman();
  stack = await startStack({
    env: {
      LOG_LEVEL: 'warn',
      DOCKER_HOST: podman.dockerHost,
      // A lost attempt is noticed soon after its worker dies, and its container swept soon after.
      STEP_RUNTIME_LEASE_MS: '3000',
      STEP_RUNTIME_SWEEP_MS: '1000',
    },
  });
  clients = connect({
    addresses: { ...stack.addresses, stepRuntime: stack.addresses['step-runtime'] },
    env: { ...process.env, ...stack.clientEnv },
  });
});
afterAll(async () => {
  clients?.close();
  await stack?.stop();
  await podman?.stop();
});

const containers = () =>
  podman
    .podman(['ps', '--all', '--format', '{{.Names}}'])
    .split('\n')
    .filter((n) => n.trim() !== '');

function dockerStep(id: string, script: string) {
  return {
    step: {
      id,
      type: 'Docker',
      retry_policy: { backoff: { type: 'FIXED_BACKOFF', platform_retry_backoff_in_secs: 1 } },
      params: {
        docker: {
          type: 'MAP',
          value: {
            image: { type: 'STRING', value: podman.image },
            pull: { type: 'STRING', value: 'never' },
            command: { type: 'STRING_ARRAY', value: ['sh', '-c', script] },
          },
        },
      },
    },
  };
}

describe('Docker steps end to end', () => {
  test('a container step runs, its outputs feed the run, and nothing is left behind', async () => {
    await push(clients, {
      id: 'docker.e2e',
      steps: [
        dockerStep('c', 'echo "{\\"rows\\": 42}" > "$$BATON_OUTPUT_FILE"; echo done in $$BATON_STEP_ID'),
      ],
    });
    const st = await clients.scheduler.startWorkflow({ workflowId: 'docker.e2e' });
    const inst = await waitEnd(clients, 'docker.e2e', st.instanceId, 60_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.steps[0]?.error);
    const run = (await clients.scheduler.getStepRun({ ref: inst.ref, stepId: 'c' })).stepRun!;
    assert.equal(fromParamValue(run.summary!.outputs.rows!), 42);
    assert.deepEqual(containers(), []);
  });

  test('the Docker example (examples/docker-hello.json) runs on the local image', async () => {
    await clients.definition.pushWorkflow({ definitionJson: readRepoFile('examples', 'docker-hello.json') });
    const st = await clients.scheduler.startWorkflow({ workflowId: 'demo.docker_hello' });
    const inst = await waitEnd(clients, 'demo.docker_hello', st.instanceId, 60_000);
    assert.equal(
      inst.status,
      'SUCCEEDED',
      JSON.stringify(inst.steps.map((s) => [s.stepId, s.status, s.error])),
    );
  });

  test('kill -9 of step-runtime mid-container: the sweeper removes the container; a new attempt succeeds', async () => {
    await push(clients, {
      id: 'docker.kill',
      steps: [
        dockerStep('c', 'if [ "$$BATON_ATTEMPT_NUMBER" = 1 ]; then echo waiting; sleep 120; fi; echo ok'),
      ],
    });
    const st = await clients.scheduler.startWorkflow({ workflowId: 'docker.kill' });
    await waitFor(() => containers().length === 1, { timeoutMs: 30_000, what: 'the container to run' });
    const runtime = stack.services['step-runtime']!;
    runtime.kill9();
    await runtime.exited();
    assert.equal(containers().length, 1, 'the container outlives its step-runtime');
    await runtime.start();
    await waitFor(() => containers().length === 0, {
      timeoutMs: 15_000,
      what: 'the restarted step-runtime to remove the orphaned container',
    });
    const inst = await waitEnd(clients, 'docker.kill', st.instanceId, 90_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.steps[0]?.error);
    const run = (await clients.scheduler.getStepRun({ ref: inst.ref, stepId: 'c' })).stepRun!;
    assert.ok(run.attempts.length >= 2);
    assert.deepEqual(containers(), []);
  });
});

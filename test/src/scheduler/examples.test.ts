import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exampleFiles, readRepoFile } from '../support/repo';
import { useStack } from '../support/stack';
import { waitEnd } from './support';

const env = useStack();

// Docs that run: every example workflow (the ones `npm start` pushes) runs to SUCCEEDED —
// a NoOp/Shell chain, a branching DAG, retries and timeouts, a foreach over dates, a while
// loop and a subworkflow pair.
describe('examples run end to end', () => {
  test('push every example', async () => {
    for (const f of exampleFiles())
      await env.clients.definition.pushWorkflow({ definitionJson: readRepoFile('examples', f) });
  });

  const runnable = [
    'hello-world',
    'branching-dag',
    'retry-timeout',
    'foreach-dates',
    'while-loop',
    'subworkflow-parent',
  ];
  for (const name of runnable) {
    test(`${name} succeeds`, async () => {
      const workflowId = JSON.parse(readRepoFile('examples', `${name}.json`)).workflow.id;
      const st = await env.clients.scheduler.startWorkflow({ workflowId });
      const inst = await waitEnd(env.clients, workflowId, st.instanceId, 90_000);
      assert.equal(
        inst.status,
        'SUCCEEDED',
        `${name}: ${inst.error} ${JSON.stringify(inst.steps.map((s) => [s.stepId, s.status, s.error]))}`,
      );
      if (name === 'while-loop') {
        const poll = inst.steps.find((s) => s.stepId === 'poll')!;
        assert.match(poll.error, /after 5 iterations/);
      }
      if (name === 'foreach-dates') {
        const loop = inst.steps.find((s) => s.iterationCounts.total);
        assert.ok(loop, 'the foreach step reports iteration counts');
        assert.equal(loop.iterationCounts.succeeded, loop.iterationCounts.total);
      }
    });
  }
});

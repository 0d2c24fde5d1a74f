import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exampleFiles, readRepoFile } from '../support/repo';
import { useStack } from '../support/stack';
import { fromParamValue } from '@baton/sdk';
import { waitEnd } from './support';

const env = useStack();

// Docs that run: every example workflow (the ones `npm start` pushes) runs to SUCCEEDED —
// a NoOp/Shell chain, a branching DAG, retries and timeouts, a foreach over dates, a while
// loop, a nested foreach collecting with getFromForeach, and a subworkflow pair.
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
    'foreach-nested',
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
      if (name === 'foreach-nested') {
        // Days 1..3 give 10 + 20 + 30 rows per region; 2 regions x 3 days = 6 leaf steps + 2 counts + report.
        const report = inst.steps.find((s) => s.stepId === 'report')!;
        assert.equal(report.status, 'SUCCEEDED');
        assert.deepEqual(inst.stepCounts, { SUCCEEDED: '9' });
        const run = await env.clients.scheduler.getStepRun({ ref: inst.ref, stepId: 'report' });
        assert.deepEqual(
          (fromParamValue(run.stepRun!.params.rows_by_region) as unknown[]).map(Number),
          [60, 60],
        );
      }
      if (name === 'foreach-dates') {
        const loop = inst.steps.find((s) => s.iterationCounts.total);
        assert.ok(loop, 'the foreach step reports iteration counts');
        assert.equal(loop.iterationCounts.succeeded, loop.iterationCounts.total);
      }
    });
  }
});

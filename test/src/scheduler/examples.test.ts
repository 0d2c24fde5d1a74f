import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { exampleFiles, readRepoFile } from '../support/repo';
import { useStack } from '../support/stack';
import { fromParamValue, toParamMap } from '@baton/sdk';
import { waitFor } from '@baton/testing';
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
    // Started by hand: its TARGET_RUN_HOUR describes the start time.
    'cron-report',
    'notebook-report',
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

  test('signal-producer announces demo/orders_landed, which starts signal-consumer for that day', async () => {
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'demo.signal_producer' });
    assert.equal(
      (await waitEnd(env.clients, 'demo.signal_producer', st.instanceId, 60_000)).status,
      'SUCCEEDED',
    );
    let consumer: Awaited<ReturnType<typeof waitEnd>> | undefined;
    await waitFor(
      async () => {
        const list = await env.clients.scheduler.listInstances({ workflowId: 'demo.signal_consumer' });
        consumer = list.instances[0];
        return consumer !== undefined && consumer.status === 'SUCCEEDED';
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the consumer to run' },
    );
    assert.equal(fromParamValue(consumer!.params.day!), 20240101);
  });

  test('signal-wait waits for demo/partition_ready of its date, then reads the path from it', async () => {
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'demo.signal_wait' });
    const ref = { workflowId: 'demo.signal_wait', instanceId: st.instanceId, runId: '0' };
    await waitFor(
      async () =>
        (await env.clients.scheduler.getInstance({ ref })).instance!.steps[0]!.status ===
        'WAITING_FOR_SIGNALS',
      { timeoutMs: 30_000, intervalMs: 100, what: 'the step to wait for its signal' },
    );
    await env.clients.signal.publishSignal({
      name: 'demo/partition_ready',
      params: toParamMap({ date: 20240101, path: 's3://bucket/dt=20240101' }),
    });
    const inst = await waitEnd(env.clients, 'demo.signal_wait', st.instanceId, 60_000);
    assert.equal(inst.status, 'SUCCEEDED');
    const run = await env.clients.scheduler.getStepRun({ ref: inst.ref, stepId: 'publish' });
    assert.equal(fromParamValue(run.stepRun!.params.path!), 's3://bucket/dt=20240101');
  });
});

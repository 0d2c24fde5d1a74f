import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { credentials } from '@grpc/grpc-js';
import { internal } from '@baton/proto';
import { MongoClient } from 'mongodb';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

// A foreach iteration's attempt is dispatched before the iteration's head is written (the head
// says its first decision was applied, so it goes last): a quick step can end, and report, first.
// The report must wait for the head, not be refused (refused, it was lost: the step never ended).
const env = useStack({ env: { BATON_HTTP_ALLOW: '127.0.0.1', STEP_RUNTIME_SLOTS: '50' } });

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/leaf`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('reports that arrive before the run head', () => {
  test('a report for a run with a live entry and no head yet is taken, not refused', async () => {
    const key = 'early.direct:1:1:each:0';
    const mongo = await MongoClient.connect(env.stack.mongoUrl);
    try {
      await mongo
        .db()
        .collection<{ _id: string; created_at: number }>('live_runs')
        .insertOne({ _id: key, created_at: Date.now() });
    } finally {
      await mongo.close();
    }
    const report = new internal.StepReportServiceClient(
      env.stack.internalAddresses.scheduler!,
      credentials.createInsecure(),
    );
    const call = (attemptKey: string) =>
      new Promise<internal.ReportAttemptResponse>((resolve, reject) =>
        report.reportAttempt(
          internal.ReportAttemptRequest.fromPartial({
            workflowId: 'early.direct',
            instanceId: '1',
            runId: '1',
            stepId: 'leaf',
            attemptId: 1,
            attemptKey,
            status: 'SUCCEEDED',
          }),
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      );
    try {
      assert.equal((await call(`${key}:leaf:1`)).applied, true);
      await assert.rejects(call('early.nothing:1:1:each:0:leaf:1'), /NOT_FOUND/);
    } finally {
      report.close();
    }
  });

  test('a foreach of 300 quick Http leaves ends, every iteration counted', async () => {
    await push(env.clients, {
      id: 'early.loop',
      steps: [
        {
          foreach: {
            id: 'each',
            concurrency: 50,
            params: {
              loop_params: {
                value: { i: { expression: 'Util.intsBetween(0, 300, 1)', type: 'LONG_ARRAY' } },
                type: 'MAP',
              },
            },
            steps: [
              {
                step: {
                  id: 'leaf',
                  type: 'Http',
                  params: { http: { value: { url: { value: url, type: 'STRING' } }, type: 'MAP' } },
                },
              },
            ],
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'early.loop' });
    const inst = await waitEnd(env.clients, 'early.loop', st.instanceId, 120_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.equal(inst.steps[0]!.iterationCounts.succeeded, '300');
  });
});

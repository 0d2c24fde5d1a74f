import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type { ChangeEvent } from '@baton/proto';
import { waitFor } from '@baton/testing';
import { MongoClient } from 'mongodb';
import { expectCode } from '../support/errors';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

// Alerts (issue 13): a workflow's properties.alerting delivers step failures, long-running steps
// and completed-by-time (TCT) violations to its webhooks (HTTP POST, retried) and to the change
// events stream. The webhook here is a local HTTP server, allowed by SCHEDULER_ALERT_ALLOW.
const env = useStack({
  env: { SCHEDULER_SWEEP_MS: '300', SCHEDULER_ALERT_ALLOW: '127.0.0.1' },
});

interface Received {
  id: string;
  header: string;
  body: Record<string, unknown>;
}

let server: Server;
let base = '';
const received: Received[] = [];
/** Alert ids answered 500 the first time (the delivery must try again). */
const failOnce = new Set<string>();
const failed = new Set<string>();
/** While true the webhook answers 503 to everything (it is down). */
let down = false;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const id = String(body.id);
      if (down) {
        res.writeHead(503).end();
        return;
      }
      received.push({ id, header: String(req.headers['x-baton-alert-id']), body });
      if (failOnce.has(String(body.type)) && !failed.has(id)) {
        failed.add(id);
        res.writeHead(500).end();
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const shell = (id: string, script: string, successors?: Record<string, string>) => ({
  step: {
    id,
    type: 'Shell',
    retry_policy: { error_retry_limit: 0 },
    params: { script: { value: script, type: 'STRING' } },
    ...(successors ? { transition: { successors } } : {}),
  },
});

/** The alert change events of a workflow, read from the stream's start. */
async function alertEvents(workflowId: string, want: number): Promise<ChangeEvent[]> {
  const out: ChangeEvent[] = [];
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 20_000);
  try {
    for await (const msg of env.clients.scheduler.watchChanges(
      { after: '0', workflowIdPrefix: workflowId },
      { signal: ac.signal },
    )) {
      if (msg.event?.change?.$case === 'alert') out.push(msg.event);
      if (out.length >= want) break;
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return out;
}

describe('alerts', () => {
  test('a long-running step, a missed TCT and a step failure reach the webhook and the events stream', async () => {
    failOnce.add('STEP_FAILURE');
    await push(
      env.clients,
      {
        id: 'alert.wf',
        steps: [shell('slow', 'sleep 2.5', { broken: 'true' }), shell('broken', 'echo bad >&2; exit 3')],
      },
      {
        alerting: {
          webhooks: [{ url: `${base}/hook` }],
          long_running: { duration_seconds: 1 },
          tct: { duration_seconds: 2 },
          // Maestro's fields are kept and not delivered.
          emails: ['oncall@example.com'],
        },
      },
    );
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'alert.wf' });
    const inst = await waitEnd(env.clients, 'alert.wf', st.instanceId, 60_000);
    assert.equal(inst.status, 'FAILED');
    const key = `alert.wf:${st.instanceId}:1`;
    const want = {
      LONG_RUNNING: `${key}:slow:1:LONG_RUNNING`,
      TCT_VIOLATION: `${key}:TCT_VIOLATION`,
      STEP_FAILURE: `${key}:broken:1:STEP_FAILURE`,
    };
    // The failure alert was answered 500 once: it comes again.
    await waitFor(() => received.filter((r) => r.id === want.STEP_FAILURE).length === 2, {
      timeoutMs: 30_000,
      what: 'the failure alert delivered again after a 500',
    });
    const byType = new Map(received.map((r) => [String(r.body.type), r]));
    for (const [type, id] of Object.entries(want)) {
      const r = byType.get(type);
      assert.ok(r, `no ${type} alert; got ${JSON.stringify(received.map((x) => x.id))}`);
      assert.equal(r.id, id);
      assert.equal(r.header, id, 'the id travels as x-baton-alert-id too');
      assert.equal(r.body.workflow_id, 'alert.wf');
      assert.equal(r.body.key, key);
    }
    assert.equal(byType.get('STEP_FAILURE')!.body.status, 'USER_FAILED');
    assert.match(String(byType.get('STEP_FAILURE')!.body.message), /step broken USER_FAILED/);
    assert.equal(byType.get('LONG_RUNNING')!.body.step_id, 'slow');
    // Each raised once (the retry is the same alert): no id comes from two raises.
    assert.deepEqual([...new Set(received.map((r) => r.id))].sort(), Object.values(want).sort());
    const events = await alertEvents('alert.wf', 3);
    assert.deepEqual(events.map((e) => e.id).sort(), Object.values(want).sort());
    const failure = events.find((e) => e.id === want.STEP_FAILURE)!.change;
    assert.ok(failure?.$case === 'alert');
    assert.equal(failure.value.type, 'STEP_FAILURE');
    assert.equal(failure.value.stepId, 'broken');
  });

  test('kill -9 of the scheduler while a webhook is down: the alert is delivered after the restart', async () => {
    await push(
      env.clients,
      { id: 'alert.crash', steps: [shell('broken', 'exit 2')] },
      { alerting: { webhooks: [`${base}/hook`] } },
    );
    down = true;
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'alert.crash' });
    assert.equal((await waitEnd(env.clients, 'alert.crash', st.instanceId)).status, 'FAILED');
    const id = `alert.crash:${st.instanceId}:1:broken:1:STEP_FAILURE`;
    const mongo = await MongoClient.connect(env.stack.mongoUrl);
    try {
      const alerts = mongo.db().collection<{ _id: string; tries: number }>('alerts');
      await waitFor(async () => ((await alerts.findOne({ _id: id }))?.tries ?? 0) >= 1, {
        timeoutMs: 20_000,
        what: 'a first failed delivery',
      });
    } finally {
      await mongo.close();
    }
    const svc = env.stack.services.scheduler!;
    svc.kill9();
    await svc.exited();
    await svc.start();
    down = false;
    await waitFor(() => received.some((r) => r.id === id), {
      timeoutMs: 30_000,
      what: 'the alert after the restart',
    });
  });

  test('a webhook on a loopback address the allow list does not name is refused, with the reason', async () => {
    const port = (server.address() as AddressInfo).port;
    await push(
      env.clients,
      { id: 'alert.ssrf', steps: [shell('broken', 'exit 1')] },
      { alerting: { webhooks: [`http://127.0.0.2:${port}/internal`] } },
    );
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'alert.ssrf' });
    assert.equal((await waitEnd(env.clients, 'alert.ssrf', st.instanceId)).status, 'FAILED');
    const mongo = await MongoClient.connect(env.stack.mongoUrl);
    try {
      const alerts = mongo.db().collection<{ _id: string; last_error?: string }>('alerts');
      const id = `alert.ssrf:${st.instanceId}:1:broken:1:STEP_FAILURE`;
      await waitFor(
        async () => /SCHEDULER_ALERT_ALLOW/.test((await alerts.findOne({ _id: id }))?.last_error ?? ''),
        {
          timeoutMs: 20_000,
          what: 'the refused delivery to be recorded',
        },
      );
    } finally {
      await mongo.close();
    }
    assert.ok(!received.some((r) => r.id.startsWith('alert.ssrf')), 'nothing reached the internal address');
  });

  test('bad alerting configs are refused at push, each field named', async () => {
    const err = await expectCode(
      env.clients.definition.pushWorkflow({
        definitionJson: JSON.stringify({
          properties: {
            alerting: {
              webhooks: ['ftp://example.com/x', { url: 'http://user:pw@example.com/' }, 'not a url'],
              tct: { duration_minutes: 5, completed_by_hour: 7 },
              long_running: { duration_seconds: -1 },
            },
          },
          workflow: { id: 'alert.bad', steps: [{ step: { id: 'a', type: 'NoOp' } }] },
        }),
      }),
      'INVALID_ARGUMENT',
    );
    const fields = err.violations.map((v) => v.field).sort();
    assert.deepEqual(fields, [
      'properties.alerting.long_running',
      'properties.alerting.long_running.duration_seconds',
      'properties.alerting.tct',
      'properties.alerting.webhooks[0]',
      'properties.alerting.webhooks[1].url',
      'properties.alerting.webhooks[2]',
    ]);
  });
});

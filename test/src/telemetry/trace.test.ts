import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import { type BatonClients, connect } from '@baton/sdk';
import { type Stack, startStack, waitFor } from '@baton/testing';
import { push, waitEnd } from '../scheduler/support';

// One run is one trace: the services export spans over OTLP/HTTP (JSON) to a receiver in this
// test, and every span of the run — StartWorkflow's server span, the scheduler's decisions and
// actions, step-runtime's attempts and reports, and the MongoDB and Redis calls under them —
// carries StartWorkflow's trace id, though the work crosses Redis streams and MongoDB on its way.

/** OTLP's Span.SpanKind SERVER (the JSON encoding carries the number). */
const SPAN_KIND_SERVER = 2;

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

/** An OTLP/HTTP trace receiver on loopback: what the exporters post to /v1/traces, parsed. */
class Receiver {
  readonly spans: ReceivedSpan[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      readBody(req).then(
        (body) => {
          if (req.url === '/v1/traces') this.take(JSON.parse(body.toString('utf8')));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        },
        () => res.writeHead(400).end(),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  // biome-ignore lint/suspicious/noExplicitAny: the OTLP JSON document, read field by field
  private take(doc: any): void {
    for (const rs of doc.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            traceId: String(s.traceId),
            spanId: String(s.spanId),
            parentSpanId: String(s.parentSpanId ?? ''),
            name: String(s.name),
            kind: Number(s.kind),
            attributes: attributesOf(s.attributes),
          });
        }
      }
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const body = Buffer.concat(parts);
      resolve(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body);
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: OTLP JSON key/value list
function attributesOf(list: any[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    out[kv.key] =
      v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
  }
  return out;
}

describe('tracing (BATON_OTEL_EXPORTER=otlp)', () => {
  const receiver = new Receiver();
  let stack: Stack;
  let clients: BatonClients;

  beforeAll(async () => {
    await receiver.start();
    stack = await startStack({
      env: {
        LOG_LEVEL: 'warn',
        BATON_OTEL_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // Batches go out every 200 ms instead of every 5 s.
        OTEL_BSP_SCHEDULE_DELAY: '200',
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
    await receiver.stop();
  });

  test('a run with a Shell step, a foreach and a subworkflow is one trace, from StartWorkflow to the last report', async () => {
    const wf = 'trace.run';
    const child = `${wf}.child`;
    const shell = (id: string, script: string, successors?: Record<string, string>) => ({
      step: {
        id,
        type: 'Shell',
        params: { script: { value: script, type: 'STRING' } },
        ...(successors ? { transition: { successors } } : {}),
      },
    });
    await push(clients, { id: child, steps: [shell('inner', 'echo inner')] });
    await push(clients, {
      id: wf,
      steps: [
        shell('first', 'echo first', { each: 'true' }),
        {
          foreach: {
            id: 'each',
            concurrency: 2,
            params: {
              loop_params: {
                value: { i: { expression: 'Util.intsBetween(0, 2, 1)', type: 'LONG_ARRAY' } },
                type: 'MAP',
              },
            },
            steps: [shell('leaf', 'echo leaf ${i}')],
            transition: { successors: { sub: 'true' } },
          },
        },
        {
          subworkflow: {
            id: 'sub',
            sync: true,
            params: {
              subworkflow_id: { value: child, type: 'STRING' },
              subworkflow_version: { value: 'latest', type: 'STRING' },
            },
          },
        },
      ],
    });
    const started = Date.now();
    const res = await clients.scheduler.startWorkflow({ workflowId: wf });
    const instanceId = res.instanceId;
    const end = await waitEnd(clients, wf, instanceId, 60_000);
    const ms = Date.now() - started;
    assert.equal(end.status, 'SUCCEEDED');
    console.log(`trace test: StartWorkflow → SUCCEEDED in ${ms} ms with telemetry on (otlp)`);

    const spans = receiver.spans;
    const startSpan = () =>
      spans.find(
        (s) => s.service === 'scheduler' && s.kind === SPAN_KIND_SERVER && s.name.endsWith('/StartWorkflow'),
      );
    const ours = (s: ReceivedSpan) =>
      String(s.attributes['baton.workflow_id'] ?? s.attributes['baton.attempt_key'] ?? '').startsWith(wf);
    // Four attempts (first, two leaves, the subworkflow's inner), each with its final report; the
    // last decisions of the run, of its two iterations and of the subworkflow.
    await waitFor(
      () =>
        startSpan() !== undefined &&
        spans.filter((s) => s.name === 'attempt' && ours(s)).length >= 4 &&
        spans.filter((s) => s.name === 'report' && ours(s) && s.attributes['baton.status'] !== 'RUNNING')
          .length >= 4 &&
        spans.some(
          (s) =>
            s.name === 'decision' &&
            s.attributes['baton.workflow_id'] === child &&
            s.attributes['baton.status'] === 'SUCCEEDED',
        ) &&
        [`${wf}:${instanceId}:1`, `${wf}:${instanceId}:1:each:0`, `${wf}:${instanceId}:1:each:1`].every(
          (key) =>
            spans.some(
              (s) =>
                s.name === 'decision' &&
                s.attributes['baton.instance_key'] === key &&
                s.attributes['baton.status'] === 'SUCCEEDED',
            ),
        ),
      { timeoutMs: 30_000, intervalMs: 100, what: 'the run’s spans to arrive' },
    );
    const traceId = startSpan()!.traceId;
    const run = spans.filter((s) => s.traceId === traceId);

    // Every span of ours that names the run is in its trace (foreach iterations included).
    const named = spans.filter((s) => ['decision', 'attempt', 'report'].includes(s.name) && ours(s));
    assert.ok(named.length >= 4 + 4 + 4, `decisions, attempts and reports (${named.length})`);
    for (const s of named)
      assert.equal(s.traceId, traceId, `${s.service} ${s.name} ${JSON.stringify(s.attributes)}`);
    const iterations = new Set(
      run.filter((s) => s.name === 'decision').map((s) => String(s.attributes['baton.instance_key'])),
    );
    assert.ok(
      iterations.size >= 4,
      `the run, its iterations and its subworkflow decide in the trace: ${[...iterations]}`,
    );
    const inner = run.find((s) => s.name === 'attempt' && s.attributes['baton.step_id'] === 'inner');
    assert.equal(inner?.attributes['baton.workflow_id'], child, 'the subworkflow’s attempt is in the trace');

    const names = new Set(run.map((s) => s.name));
    for (const n of ['decision', 'action', 'attempt', 'report']) assert.ok(names.has(n), `a ${n} span`);
    const actions = new Set(run.filter((s) => s.name === 'action').map((s) => s.attributes['baton.action']));
    assert.ok(actions.has('dispatchAttempt') && actions.has('startChild'), `actions: ${[...actions]}`);
    const attempt = run.find((s) => s.name === 'attempt' && s.attributes['baton.step_id'] === 'first')!;
    assert.equal(attempt.attributes['baton.step_type'], 'SHELL');
    assert.equal(attempt.attributes['baton.outcome'], 'SUCCEEDED');
    assert.equal(attempt.attributes['baton.attempt_key'], `${wf}:${instanceId}:1:first:1`);

    const services = new Set(run.map((s) => s.service));
    for (const s of ['definition', 'scheduler', 'step-runtime'])
      assert.ok(services.has(s), `${s} spans in the run's trace: ${[...services]}`);
    // The report arrives at the scheduler as a server span of the same trace (gRPC metadata).
    assert.ok(
      run.some(
        (s) => s.service === 'scheduler' && s.kind === SPAN_KIND_SERVER && s.name.endsWith('/ReportAttempt'),
      ),
      'ReportAttempt server span',
    );
    const system = (s: ReceivedSpan) => s.attributes['db.system'] ?? s.attributes['db.system.name'];
    assert.ok(
      run.some((s) => system(s) === 'mongodb'),
      'MongoDB client spans',
    );
    assert.ok(
      run.some((s) => system(s) === 'redis'),
      'Redis client spans',
    );
    for (const svc of ['scheduler', 'step-runtime']) {
      assert.ok(
        run.some((s) => s.service === svc && system(s) === 'redis'),
        `${svc} Redis spans`,
      );
    }
  });
});

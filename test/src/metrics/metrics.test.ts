// Prometheus metrics (issue 14): every service serves /metrics on BATON_METRICS_PORT. A run
// started by hand, a run started by a signal trigger, a failing step and a step waiting in a
// pool nobody serves must show in the figures the dashboard (k8s/grafana) reads — and no scrape
// may carry a workflow id or a param value.
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { push, waitEnd } from '../scheduler/support';
import { waitAllEnded } from '../signal/support';
import { useStack } from '../support/stack';

const env = useStack({ metrics: true, env: { SIGNAL_TRIGGER_SYNC_MS: '300' } });

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (the lines this exporter writes: no escapes in our labels). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[k!] = v!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(service: string): Promise<{ text: string; samples: Sample[] }> {
  const url = env.stack.services[service]!.metricsUrl;
  assert.ok(url, `${service} serves metrics`);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const text = await res.text();
  return { text, samples: parse(text) };
}

/** The sum of a metric's samples whose labels include `labels`. */
function sum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

const shell = (id: string, script: string, extra: Record<string, unknown> = {}) => ({
  step: {
    id,
    type: 'Shell',
    params: { script: { value: script, type: 'STRING' }, ...extra },
    retry_policy: { error_retry_limit: 0 },
  },
});

describe('Prometheus metrics', () => {
  test('steps, decisions, locks, runs, queues, signals and trigger fires are counted, without user data', async () => {
    const secret = 'metrics-secret-param-9c1f';
    await push(env.clients, {
      id: 'metrics.ok',
      params: { note: { type: 'STRING', value: secret } },
      steps: [shell('hello', 'echo hi')],
    });
    await push(env.clients, { id: 'metrics.fail', steps: [shell('boom', 'exit 3')] });
    // No step-runtime serves this pool: its message waits in the queue.
    await push(env.clients, {
      id: 'metrics.parked',
      steps: [shell('wait', 'true', { pool: { value: 'metrics-idle', type: 'STRING' } })],
    });
    await push(env.clients, {
      id: 'metrics.triggered',
      signal_triggers: [{ definitions: { 'metrics/landed': {} } }],
      steps: [{ step: { id: 'a', type: 'NoOp' } }],
    });

    const ok = await env.clients.scheduler.startWorkflow({ workflowId: 'metrics.ok' });
    assert.equal((await waitEnd(env.clients, 'metrics.ok', ok.instanceId)).status, 'SUCCEEDED');
    const failed = await env.clients.scheduler.startWorkflow({ workflowId: 'metrics.fail' });
    assert.equal((await waitEnd(env.clients, 'metrics.fail', failed.instanceId)).status, 'FAILED');
    const parkedAt = Date.now();
    await env.clients.scheduler.startWorkflow({ workflowId: 'metrics.parked' });
    // The trigger is synced every 300 ms: publish until a run starts (each publish is counted).
    let published = 0;
    await waitFor(
      async () => {
        await env.clients.signal.publishSignal({ name: 'metrics/landed' });
        published++;
        const list = await env.clients.scheduler.listInstances({ workflowId: 'metrics.triggered' });
        return list.instances.length > 0;
      },
      { timeoutMs: 20_000, intervalMs: 400, what: 'the signal trigger to start a run' },
    );
    await waitAllEnded(env.clients, 'metrics.triggered', 1);

    const runtime = await scrape('step-runtime');
    const attempt = 'baton_step_attempt_duration_seconds';
    assert.ok(sum(runtime.samples, `${attempt}_count`, { step_type: 'SHELL', outcome: 'SUCCEEDED' }) >= 1);
    assert.ok(sum(runtime.samples, `${attempt}_count`, { step_type: 'SHELL', outcome: 'USER_FAILED' }) >= 1);
    assert.ok(sum(runtime.samples, `${attempt}_sum`, { step_type: 'SHELL' }) > 0, 'durations recorded');
    assert.ok(
      sum(runtime.samples, `${attempt}_bucket`, { step_type: 'SHELL', outcome: 'SUCCEEDED', le: '+Inf' }) >=
        1,
    );

    let scheduler = await scrape('scheduler');
    assert.ok(sum(scheduler.samples, 'baton_decision_duration_seconds_count') >= 4, 'decisions timed');
    assert.ok(sum(scheduler.samples, 'baton_lock_wait_seconds_count', { lock: 'instance' }) >= 4);
    assert.ok(sum(scheduler.samples, 'baton_runs_started_total', { initiator: 'manual' }) >= 3);
    assert.ok(sum(scheduler.samples, 'baton_runs_started_total', { initiator: 'signal' }) >= 1);
    assert.ok(sum(scheduler.samples, 'baton_runs_ended_total', { status: 'SUCCEEDED' }) >= 2);
    assert.ok(sum(scheduler.samples, 'baton_runs_ended_total', { status: 'FAILED' }) >= 1);
    // The parked message: one waits in metrics-idle, and it ages.
    await waitFor(
      async () => {
        scheduler = await scrape('scheduler');
        return sum(scheduler.samples, 'baton_queue_depth', { pool: 'metrics-idle' }) === 1;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'the idle pool to show one waiting message' },
    );
    const age = sum(scheduler.samples, 'baton_queue_oldest_age_seconds', { pool: 'metrics-idle' });
    assert.ok(age > 0 && age <= (Date.now() - parkedAt) / 1000 + 1, `oldest age ${age}s`);
    assert.equal(sum(scheduler.samples, 'baton_queue_depth', { pool: 'default' }), 0, 'served pool drained');

    const signal = await scrape('signal');
    assert.equal(sum(signal.samples, 'baton_signals_published_total'), published);
    // Each publish before the run showed may have fired too: fires match the runs there are.
    await waitFor(
      async () => {
        const runs = (await env.clients.scheduler.listInstances({ workflowId: 'metrics.triggered' }))
          .instances;
        const fired = sum((await scrape('signal')).samples, 'baton_triggers_fired_total', { kind: 'signal' });
        return fired >= 1 && fired === runs.length;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'trigger fires to match the triggered runs' },
    );

    const definition = await scrape('definition');
    assert.ok(
      definition.samples.some((s) => s.name === 'target_info' && s.labels.service_name === 'definition'),
    );

    for (const { text } of [runtime, scheduler, signal, definition]) {
      assert.ok(!text.includes(secret), 'no param value in a scrape');
      assert.ok(
        !text.includes('metrics.ok') && !text.includes('metrics/landed'),
        'no workflow or signal name',
      );
    }
  });
});

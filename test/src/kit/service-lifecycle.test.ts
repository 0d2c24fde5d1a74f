import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { healthStatus, waitFor } from '@baton/testing';
import { expectCode } from '../support/errors';
import { repoRoot } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });

function bigChain(id: string, n: number): string {
  const steps = Array.from({ length: n }, (_, i) => ({
    step: {
      id: `s${i}`,
      type: 'NoOp',
      ...(i + 1 < n ? { transition: { successors: { [`s${i + 1}`]: 'true' } } } : {}),
    },
  }));
  return JSON.stringify({ workflow: { id, steps } });
}

describe('service lifecycle (kit)', () => {
  test('readiness follows Redis; liveness does not', async () => {
    const addr = env.stack.addresses.definition;
    env.stack.redis!.kill9();
    await waitFor(async () => (await healthStatus(addr, 'baton.v1.DefinitionService')) === 'NOT_SERVING', {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'readiness to turn NOT_SERVING after Redis died',
    });
    assert.equal(await healthStatus(addr, 'liveness'), 'SERVING');
    await env.stack.redis!.restart();
    await waitFor(async () => (await healthStatus(addr, 'baton.v1.DefinitionService')) === 'SERVING', {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'readiness to come back after Redis restarted',
    });
  });

  test('readiness follows MongoDB (FerretDB restarted)', async () => {
    const addr = env.stack.addresses.definition;
    env.stack.ferret!.kill9();
    await waitFor(async () => (await healthStatus(addr, '')) === 'NOT_SERVING', {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'readiness to turn NOT_SERVING after FerretDB died',
    });
    await env.stack.ferret!.restart();
    await waitFor(async () => (await healthStatus(addr, '')) === 'SERVING', {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'readiness to come back after FerretDB restarted',
    });
    const res = await env.clients.definition.pushWorkflow({
      definitionJson: bigChain('after.restart', 3),
      user: '',
    });
    assert.equal(res.version, '1');
  });

  test('SIGTERM drains the in-flight call, then the service stops taking calls', async () => {
    const svc = env.stack.services.definition;
    const inflight = env.clients.definition.pushWorkflow({
      definitionJson: bigChain('drain.big', 10_000),
      user: '',
    });
    // Let the request reach the server before the signal.
    await new Promise((r) => setImmediate(r));
    await waitFor(() => true, { timeoutMs: 100, intervalMs: 20, what: 'tick' });
    process.kill(svc.pid!, 'SIGTERM');
    const res = await inflight;
    assert.equal(res.stepCount, 10_000);
    await svc.exited();
    await expectCode(
      env.clients.definition.getWorkflow({ workflowId: 'drain.big', version: '' }, { timeoutMs: 2000 }),
      'UNAVAILABLE',
    );
    await svc.start();
    // The client's channel reconnects on its own backoff (at most 2 s): wait for it, with a deadline.
    let steps = 0;
    await waitFor(
      async () => {
        steps = (await env.clients.definition.getWorkflow({ workflowId: 'drain.big', version: '' })).workflow!
          .stepCount;
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the restarted service to answer' },
    );
    assert.equal(steps, 10_000);
  });

  test('bad configuration: every problem reported at once, exit 1, nothing started', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'services', 'definition', 'dist', 'main.js')], {
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        PATH: process.env.PATH,
        REDIS_URL: 'nope',
        DEFINITION_PORT: 'abc',
        LOG_LEVEL: 'loud',
        BATON_OTEL_EXPORTER: 'console',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://10.0.0.1:4318',
      },
    });
    assert.equal(r.status, 1);
    for (const name of ['REDIS_URL', 'DEFINITION_PORT', 'LOG_LEVEL', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
      assert.match(r.stderr, new RegExp(name), r.stderr);
    }
  });
});

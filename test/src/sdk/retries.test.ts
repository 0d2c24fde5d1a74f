// The TypeScript SDK retries idempotent calls that fail UNAVAILABLE, with backoff, within the
// call's deadline: a client whose service restarts under it waits instead of failing.
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type BatonClientError, createDefinitionClient } from '@baton/sdk';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });

describe('SDK retries on UNAVAILABLE', () => {
  test('a read made while the service is down succeeds once it is back', async () => {
    const definition = env.stack.services.definition!;
    const client = createDefinitionClient({ address: definition.addr, timeoutMs: 20_000 });
    try {
      await definition.stop();
      const started = Date.now();
      const call = client.listWorkflows({});
      // The service comes back while the call is retrying.
      await new Promise((r) => setTimeout(r, 700));
      await definition.start();
      const res = await call;
      assert.ok(Array.isArray(res.workflows));
      assert.ok(Date.now() - started >= 700, 'it waited for the restart');
    } finally {
      client.close();
    }
  });

  test('retries stop at the deadline, and can be turned off', async () => {
    const definition = env.stack.services.definition!;
    await definition.stop();
    try {
      const patient = createDefinitionClient({ address: definition.addr, timeoutMs: 1500 });
      const t0 = Date.now();
      await assert.rejects(patient.listWorkflows({}), (e: BatonClientError) => e.code === 'UNAVAILABLE');
      const waited = Date.now() - t0;
      assert.ok(waited >= 600 && waited < 3000, `gave up within the deadline (${waited} ms)`);
      patient.close();
      const once = createDefinitionClient({ address: definition.addr, retry: { maxAttempts: 1 } });
      const t1 = Date.now();
      await assert.rejects(once.listWorkflows({}), (e: BatonClientError) => e.code === 'UNAVAILABLE');
      assert.ok(Date.now() - t1 < 600, 'no retry when turned off');
      once.close();
    } finally {
      await definition.start();
    }
  });
});

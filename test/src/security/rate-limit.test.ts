import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type BatonClients, BatonClientError } from '@baton/sdk';
import { useStack } from '../support/stack';
import { clientsWith } from './support';

// 5 calls a second with a burst of 10, per principal, on the definition service alone.
const env = useStack({
  security: 'secure',
  services: ['definition'],
  env: { BATON_RATE_LIMIT_PER_SECOND: '5', BATON_RATE_LIMIT_BURST: '10' },
});

/** Calls ListWorkflows once; OK, or the error the SDK raised. */
async function list(c: BatonClients): Promise<'OK' | BatonClientError> {
  try {
    await c.definition.listWorkflows({ pageSize: 1 });
    return 'OK';
  } catch (err) {
    if (err instanceof BatonClientError) return err;
    throw err;
  }
}

describe('rate limits per principal', () => {
  let viewer: BatonClients;
  let operator: BatonClients;
  beforeAll(() => {
    viewer = clientsWith(env.stack, env.stack.security!.tokens.viewer);
    operator = clientsWith(env.stack, env.stack.security!.tokens.operator);
  });
  afterAll(() => {
    viewer.close();
    operator.close();
  });

  test('past its burst a principal gets RESOURCE_EXHAUSTED with a retry delay; others are not held back', async () => {
    // 30 calls at once: the burst of 10 passes (plus what refills while they run), the rest are refused.
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => list(viewer)));
    const ok = outcomes.filter((o) => o === 'OK').length;
    const refused = outcomes.filter((o): o is BatonClientError => o !== 'OK');
    assert.ok(ok >= 10 && ok <= 15, `${ok} calls passed (burst 10, 5/s)`);
    assert.equal(ok + refused.length, 30);
    for (const e of refused) {
      assert.equal(e.code, 'RESOURCE_EXHAUSTED', e.message);
      assert.ok(
        e.retryAfterMs !== undefined && e.retryAfterMs > 0 && e.retryAfterMs <= 1000,
        `${e.retryAfterMs}`,
      );
    }
    // Another principal has its own bucket.
    assert.equal(await list(operator), 'OK');
    // After the delay the service asked for, the refused principal may call again.
    const wait = Math.max(...refused.map((e) => e.retryAfterMs ?? 0));
    await new Promise((r) => setTimeout(r, wait));
    assert.equal(await list(viewer), 'OK');
  });
});

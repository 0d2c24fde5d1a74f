import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { healthStatus } from '@baton/testing';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

const env = useStack({ services: ['definition', 'scheduler'] });

/** SEL's default wall-time limit per expression (packages/sel limits.ts). */
const SEL_LIMIT_MS = 2000;

const BIG = "String s = 'a'.repeat(1048576);";
const PROBES: Record<string, string> = {
  // Eight regex matches over 1 MiB once held the scheduler for 19 s.
  'sel.probe.regex8': `${BIG} boolean b = false; for (int i = 0; i < 8; i++) b = s.matches('.*.*.*.*.*.*b'); return b;`,
  // 25,000 iterations of one: 147 s.
  'sel.probe.loop': `${BIG} int n = 0; for (int i = 0; i < 25000; i++) if (s.matches('(a|aa)*')) n++; return n > 0;`,
  // One call that alone takes longer than the limit.
  'sel.probe.one': `${BIG} return s.matches('(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)c');`,
};

/**
 * Asks the scheduler's health service over and over until `done` resolves; returns the slowest
 * answer. A health check that waits on a blocked event loop shows the block's length.
 */
async function slowestHealthCheck(addr: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let worst = 0;
  while (!finished) {
    const t0 = Date.now();
    const status = await healthStatus(addr, '', 60_000);
    worst = Math.max(worst, Date.now() - t0);
    assert.equal(status, 'SERVING');
  }
  return worst;
}

describe('a costly SEL expression cannot freeze the scheduler', () => {
  for (const [id, expression] of Object.entries(PROBES)) {
    test(`${id}: the run fails with a SEL limit and health checks keep answering`, async () => {
      await push(env.clients, {
        id,
        steps: [{ step: { id: 'a', type: 'NoOp', params: { probe: { expression, type: 'BOOLEAN' } } } }],
      });
      const st = await env.clients.scheduler.startWorkflow({ workflowId: id });
      const ended = waitEnd(env.clients, id, st.instanceId, 60_000);
      const worst = await slowestHealthCheck(env.stack.addresses.scheduler, ended);
      const inst = await ended;
      console.log(`slowest health check: ${worst} ms`);
      assert.equal(inst.status, 'FAILED');
      const detail = JSON.stringify(inst);
      assert.match(detail, /LIMIT_TIME|LIMIT_STEPS|exceeded/, detail.slice(0, 2000));
      // The expression may hold the loop for its own limit, never longer (margin: a busy machine).
      assert.ok(worst < SEL_LIMIT_MS + 1500, `slowest health check took ${worst} ms`);
    });
  }
});

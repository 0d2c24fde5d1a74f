import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { Instance } from '@baton/proto';
import { useStack } from '../support/stack';
import { push, sleep } from './support';

// The server caps every call at BATON_MAX_DEADLINE_MS; a WatchInstance stream that reaches the cap
// ends with status OK (documented in scheduler.proto), never with DEADLINE_EXCEEDED, so a client
// just watches again. A short cap and a run of three 1-second sleeps make several watches end so.
const CAP_MS = 700;
const env = useStack({
  services: ['definition', 'scheduler'],
  env: { BATON_MAX_DEADLINE_MS: String(CAP_MS) },
});

describe('scheduler: a watch that reaches the deadline cap', () => {
  test('ends with status OK before the run ends, and watching again follows the run to its end', async () => {
    await push(env.clients, {
      id: 'cap.sleeps',
      steps: [sleep('a', 1, { b: 'true' }), sleep('b', 1, { c: 'true' }), sleep('c', 1)],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'cap.sleeps' });
    const ref = { workflowId: 'cap.sleeps', instanceId: st.instanceId };
    let last: Instance | undefined;
    let earlyEnds = 0;
    for (let watches = 0; watches < 50 && last?.status !== 'SUCCEEDED'; watches++) {
      const t0 = Date.now();
      // A stream ending in an error throws here and fails the test.
      for await (const msg of env.clients.scheduler.watchInstance({ ref })) last = msg.instance;
      if (last?.status !== 'SUCCEEDED') {
        earlyEnds++;
        assert.ok(Date.now() - t0 >= CAP_MS - 50, 'an unfinished watch ends at the cap, not before');
      }
    }
    assert.equal(last?.status, 'SUCCEEDED');
    assert.ok(earlyEnds >= 2, `the run outlasted several watches (${earlyEnds})`);
  });
});

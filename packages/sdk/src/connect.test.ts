import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { connect } from './connect';

test('addresses come from options, else env, else 127.0.0.1:7401..7404', () => {
  const env = { BATON_SCHEDULER_ADDR: 'sched:9000', BATON_SIGNAL_ADDR: ' ' };
  const clients = connect({ addresses: { definition: 'defs:1' }, env });
  try {
    assert.equal(clients.definition.address, 'defs:1');
    assert.equal(clients.scheduler.address, 'sched:9000');
    assert.equal(clients.stepRuntime.address, '127.0.0.1:7403');
    assert.equal(clients.signal.address, '127.0.0.1:7404', 'a blank env variable is ignored');
    assert.equal(typeof clients.scheduler.watchInstance, 'function');
    assert.equal(typeof clients.stepRuntime.getStepLogs, 'function');
  } finally {
    clients.close();
  }
});

test('timeoutMs must be positive', () => {
  assert.throws(() => connect({ timeoutMs: 0 }), RangeError);
});

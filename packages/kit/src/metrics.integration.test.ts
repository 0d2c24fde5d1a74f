import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from '@jest/globals';
import { readServiceConfig } from './config';
import { instruments, startMetrics } from './metrics';

describe('metrics', () => {
  test('BATON_METRICS_PORT is checked with the rest of the configuration; the host follows BATON_HOST', () => {
    assert.throws(
      () => readServiceConfig('scheduler', 7402, { BATON_METRICS_PORT: 'abc' }),
      /BATON_METRICS_PORT/,
    );
    assert.throws(
      () => readServiceConfig('scheduler', 7402, { BATON_METRICS_PORT: '70000' }),
      /BATON_METRICS_PORT/,
    );
    const off = readServiceConfig('scheduler', 7402, {});
    assert.equal(off.metricsPort, 0);
    assert.equal(off.metricsHost, '127.0.0.1');
    const on = readServiceConfig('scheduler', 7402, {
      BATON_METRICS_PORT: '9464',
      BATON_METRICS_HOST: '127.0.0.2',
    });
    assert.deepEqual([on.metricsPort, on.metricsHost], [9464, '127.0.0.2']);
  });

  test('instruments made before metrics start are made again once they are on, and stop recording after', async () => {
    const mine = instruments((m) => m.createCounter('baton_unit_things', { description: 'things' }));
    mine().add(5); // no provider yet: a no-op
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const live = await startMetrics('unit', '127.0.0.1', port);
    try {
      mine().add(2);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.match(text, /^baton_unit_things_total\{[^}]*\} 2$/m);
      assert.match(text, /target_info\{service_name="unit"/);
    } finally {
      await live.stop();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the endpoint is closed');
    mine().add(1); // no-op again, no throw
  });
});

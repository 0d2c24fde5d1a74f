import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { DEFINITION_LIMITS } from './limits';
import { parsePushRequest } from './push-request';

// The largest definition the limits allow: 10,000 steps inside 1 MiB leaves about 100 bytes per
// step, so most steps are bare NoOps in layers of 100 (each feeding one or two steps of the next
// layer); every 20th is a Shell step with a param, a timeout and a retry policy; 99 sit in a foreach.
function bigDefinition(): string {
  const steps: unknown[] = [];
  const layer = 100;
  const total = 9_900;
  for (let i = 0; i < total; i++) {
    const successors: Record<string, string> = {};
    if (i + layer < total) successors[`s${i + layer}`] = 'true';
    if (i % 10 === 0 && i + layer + 1 < total) successors[`s${i + layer + 1}`] = 'x > 1';
    const rich = i % 20 === 0;
    steps.push({
      step: {
        id: `s${i}`,
        type: rich ? 'Shell' : 'NoOp',
        ...(rich
          ? {
              timeout: '20 min',
              retry_policy: { error_retry_limit: 2 },
              params: { script: { value: `echo \${x}`, type: 'STRING' } },
            }
          : {}),
        ...(Object.keys(successors).length > 0 ? { transition: { successors } } : {}),
      },
    });
  }
  const inner = Array.from({ length: 99 }, (_, i) => ({ step: { id: `f${i}`, type: 'NoOp' } }));
  steps.push({
    foreach: {
      id: 'fe',
      params: { loop_params: { type: 'MAP', value: { d: { value: [1, 2, 3], type: 'LONG_ARRAY' } } } },
      steps: inner,
    },
  });
  return JSON.stringify({
    properties: { owner: 'perf' },
    workflow: { id: 'perf.big', params: { x: { value: 1, type: 'LONG' } }, steps },
  });
}

test('a 10,000-step definition validates (time printed, not asserted)', () => {
  const text = bigDefinition();
  assert.ok(Buffer.byteLength(text) <= DEFINITION_LIMITS.maxRequestBytes);
  parsePushRequest(text); // warm up the JIT
  const start = process.hrtime.bigint();
  const r = parsePushRequest(text, { checkExpression: () => [] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.violations.slice(0, 5)));
  assert.equal(r.request.stepCount, 10_000);
  console.log(`validated 10,000 steps (${(text.length / 1024).toFixed(0)} KiB) in ${ms.toFixed(1)} ms`);
});

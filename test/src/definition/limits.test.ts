import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { DEFINITION_LIMITS } from '@baton/model';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });
const push = (definitionJson: string) => env.clients.definition.pushWorkflow({ definitionJson, user: '' });

function chain(id: string, n: number): string {
  const steps = [];
  for (let i = 0; i < n; i++) {
    const step: Record<string, unknown> = { id: `s${i}`, type: 'NoOp' };
    if (i + 1 < n) step.transition = { successors: { [`s${i + 1}`]: 'true' } };
    steps.push({ step });
  }
  return JSON.stringify({ workflow: { id, steps } });
}

function nested(id: string, depth: number): string {
  let steps: unknown[] = [{ step: { id: 'leaf', type: 'NoOp' } }];
  for (let d = depth; d >= 1; d--) {
    steps = [
      {
        foreach: {
          id: `loop${d}`,
          params: {
            loop_params: { value: { [`i${d}`]: { value: [1, 2], type: 'LONG_ARRAY' } }, type: 'MAP' },
          },
          steps,
        },
      },
    ];
  }
  return JSON.stringify({ workflow: { id, steps } });
}

describe('limits (each enforced over gRPC, each a clear INVALID_ARGUMENT that stores nothing)', () => {
  test('documented values', () => {
    assert.equal(DEFINITION_LIMITS.maxRequestBytes, 1024 * 1024);
    assert.equal(DEFINITION_LIMITS.maxSteps, 10_000);
    assert.equal(DEFINITION_LIMITS.maxDepth, 10);
    assert.equal(DEFINITION_LIMITS.maxIdLength, 128);
    assert.equal(DEFINITION_LIMITS.maxNameLength, 256);
  });

  test('request size: exactly 1 MiB passes, 1 MiB + 1 byte fails', async () => {
    const base = JSON.stringify({
      workflow: { id: 't.size', description: '', steps: [{ step: { id: 'a', type: 'NoOp' } }] },
    });
    // Pad with whitespace (valid JSON) to hit the byte count exactly.
    const exact = base + ' '.repeat(DEFINITION_LIMITS.maxRequestBytes - Buffer.byteLength(base));
    assert.equal(Buffer.byteLength(exact), 1024 * 1024);
    const ok = await push(exact);
    assert.equal(ok.version, '1');
    const over = await expectCode(push(`${exact} `), 'INVALID_ARGUMENT');
    assert.deepEqual(fields(over), ['$']);
    assert.match(over.violations[0].description, /1048577 bytes/);
  });

  test('10,000 steps pass; 10,001 fail', async () => {
    const ok = await push(chain('t.steps_ok', 10_000));
    assert.equal(ok.stepCount, 10_000);
    const err = await expectCode(push(chain('t.steps_over', 10_001)), 'INVALID_ARGUMENT');
    assert.ok(
      err.violations.some((v) => /10,?000/.test(v.description)),
      JSON.stringify(err.violations),
    );
    await expectCode(
      env.clients.definition.getWorkflow({ workflowId: 't.steps_over', version: '' }),
      'NOT_FOUND',
    );
  });

  test('nesting: 10 levels of steps pass (9 nested loops around a leaf); 11 fail', async () => {
    assert.equal((await push(nested('t.depth_ok', 9))).version, '1');
    const err = await expectCode(push(nested('t.depth_over', 10)), 'INVALID_ARGUMENT');
    assert.match(err.violations[0].description, /11 levels deep, over the limit of 10/);
    assert.ok(
      err.violations.some((v) => /depth|nest/i.test(v.description)),
      JSON.stringify(err.violations),
    );
  });

  test('ids: 128 characters pass, 129 fail (workflow and step ids)', async () => {
    const id128 = `t.${'a'.repeat(126)}`;
    assert.equal(
      (await push(JSON.stringify({ workflow: { id: id128, steps: [{ step: { id: 'a', type: 'NoOp' } }] } })))
        .workflowId,
      id128,
    );
    const err = await expectCode(
      push(
        JSON.stringify({
          workflow: { id: `${id128}b`, steps: [{ step: { id: 'b'.repeat(129), type: 'NoOp' } }] },
        }),
      ),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(err).sort(), ['workflow.id', 'workflow.steps[0].step.id']);
  });

  test('names: 256 characters pass, 257 fail', async () => {
    const wf = (name: string) =>
      JSON.stringify({ workflow: { id: 't.names', name, steps: [{ step: { id: 'a', type: 'NoOp' } }] } });
    assert.equal((await push(wf('n'.repeat(256)))).version, '1');
    const err = await expectCode(push(wf('n'.repeat(257))), 'INVALID_ARGUMENT');
    assert.deepEqual(fields(err), ['workflow.name']);
  });

  test('page size outside 1..1000 is rejected, not clamped', async () => {
    const err = await expectCode(
      env.clients.definition.listWorkflows({
        pageSize: 1001,
        pageToken: '',
        owner: '',
        tag: '',
        idPrefix: '',
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(err), ['page_size']);
    await expectCode(
      env.clients.definition.listWorkflows({
        pageSize: 10,
        pageToken: 'garbage!',
        owner: '',
        tag: '',
        idPrefix: '',
      }),
      'INVALID_ARGUMENT',
    );
  });
});

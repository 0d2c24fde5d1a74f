import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { tinyWorkflow } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });

// FerretDB applies updates as non-atomic read-then-write, so versions are fenced by
// unique _id inserts (docs/architecture.md, Fencing). This tries to break that with racing pushes.
describe('concurrent pushes to one workflow', () => {
  test('20 parallel pushes of different content yield versions 1..20, no gap, no duplicate', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        env.clients.definition.pushWorkflow({ definitionJson: tinyWorkflow('race.one', n), user: `u${n}` }),
      ),
    );
    assert.ok(results.every((r) => r.created));
    const versions = results.map((r) => Number(r.version)).sort((a, b) => a - b);
    assert.deepEqual(
      versions,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const listed = await env.clients.definition.listVersions({
      workflowId: 'race.one',
      pageSize: 100,
      pageToken: '',
    });
    assert.deepEqual(
      listed.versions.map((v) => Number(v.version)),
      Array.from({ length: 20 }, (_, i) => 20 - i),
    );
    // Each version holds the content of the push that got it.
    for (const r of results) {
      const got = await env.clients.definition.getWorkflow({ workflowId: 'race.one', version: r.version });
      const n = JSON.parse(got.workflow!.definitionJson).steps[0].step.params.n.value;
      assert.equal(tinyWorkflow('race.one', n), tinyWorkflow('race.one', results.indexOf(r)));
    }
  });

  test('20 parallel identical pushes create exactly one version', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        env.clients.definition.pushWorkflow({ definitionJson: tinyWorkflow('race.same', 7), user: '' }),
      ),
    );
    assert.deepEqual(new Set(results.map((r) => r.version)), new Set(['1']));
    assert.equal(results.filter((r) => r.created).length, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { expectCode } from '../support/errors';
import { exampleFiles, invalidFixtures, readRepoFile, validFixtures } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });

// The validator's table over gRPC: what the model package accepts and rejects
// reaches users unchanged, with the SEL checker wired in.
describe('fixtures over gRPC', () => {
  test('every example pushes', async () => {
    for (const f of exampleFiles()) {
      const res = await env.clients.definition.pushWorkflow({
        definitionJson: readRepoFile('examples', f),
        user: '',
      });
      assert.ok(res.workflowId, f);
    }
  });

  test('every valid fixture validates', async () => {
    // template-step.json names the job template spark-job: it must exist (templates apply at push).
    await env.clients.definition.pushJobTemplate({
      templateJson: JSON.stringify({
        sub_type: 'spark-job',
        type: 'Shell',
        params: { script: { type: 'STRING', value: 'true' } },
      }),
    });
    for (const f of validFixtures()) {
      await env.clients.definition.validateWorkflow({ definitionJson: f.text, user: '' }).catch((err) => {
        assert.fail(`${f.name}: ${err.message} ${JSON.stringify(err.violations)}`);
      });
    }
  });

  test('every invalid fixture is INVALID_ARGUMENT with its expected field violations', async () => {
    for (const f of invalidFixtures()) {
      const err = await expectCode(
        env.clients.definition.pushWorkflow({ definitionJson: f.text, user: '' }),
        'INVALID_ARGUMENT',
      );
      for (const e of f.expect) {
        assert.ok(
          err.violations.some((v) => v.field === e.field && v.description.includes(e.contains)),
          `${f.name}: expected ${e.field} ~ ${e.contains}; got ${JSON.stringify(err.violations)}`,
        );
      }
    }
    // And none of them stored anything.
    const all = await env.clients.definition.listWorkflows({
      pageSize: 1000,
      pageToken: '',
      owner: '',
      tag: '',
      idPrefix: '',
    });
    const exampleIds = new Set(
      exampleFiles().map((f) => JSON.parse(readRepoFile('examples', f)).workflow.id),
    );
    assert.deepEqual(
      all.workflows.map((w) => w.workflowId).filter((id) => !exampleIds.has(id)),
      [],
    );
  });
});

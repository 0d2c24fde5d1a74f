import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { expectCode, fields } from '../support/errors';
import { readRepoFile, tinyWorkflow } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });
const def = () => env.clients.definition;

describe('push, versions and get', () => {
  test('a new workflow gets version 1, active, with its properties snapshot', async () => {
    const res = await def().pushWorkflow({
      definitionJson: readRepoFile('examples', 'hello-world.json'),
      user: 'alice',
    });
    assert.deepEqual(
      {
        id: res.workflowId,
        v: res.version,
        created: res.created,
        active: res.activeVersion,
        snap: res.propertiesSnapshot,
      },
      { id: 'demo.hello_world', v: '1', created: true, active: '1', snap: '1' },
    );
    const got = await def().getWorkflow({ workflowId: 'demo.hello_world', version: '' });
    assert.equal(got.workflow?.version, '1');
    assert.equal(got.workflow?.active, true);
    assert.equal(got.workflow?.createdBy, 'alice');
    assert.equal(got.properties?.owner, 'demo');
    // The definition comes back as pushed.
    const pushed = JSON.parse(readRepoFile('examples', 'hello-world.json')).workflow;
    assert.deepEqual(JSON.parse(got.workflow!.definitionJson), pushed);
  });

  test('an identical push returns the same version with created=false, even reformatted', async () => {
    const text = readRepoFile('examples', 'hello-world.json');
    const reformatted = JSON.stringify(JSON.parse(text), null, 7);
    const res = await def().pushWorkflow({ definitionJson: reformatted, user: '' });
    assert.equal(res.version, '1');
    assert.equal(res.created, false);
  });

  test('a changed push creates version n+1 and activates it; older versions stay readable', async () => {
    await def().pushWorkflow({ definitionJson: tinyWorkflow('t.versions', 1), user: '' });
    const v2 = await def().pushWorkflow({ definitionJson: tinyWorkflow('t.versions', 2), user: '' });
    assert.equal(v2.version, '2');
    assert.equal(v2.activeVersion, '2');
    const v1 = await def().getWorkflow({ workflowId: 't.versions', version: '1' });
    assert.equal(v1.workflow?.name, 'tiny 1');
    assert.equal(v1.workflow?.active, false);
    for (const sel of ['latest', 'active', 'default', '', 'LATEST']) {
      const got = await def().getWorkflow({ workflowId: 't.versions', version: sel });
      assert.equal(got.workflow?.version, '2', `selector ${JSON.stringify(sel)}`);
    }
  });

  test('is_active=false stores a version without activating it', async () => {
    await def().pushWorkflow({ definitionJson: tinyWorkflow('t.inactive', 1), user: '' });
    const res = await def().pushWorkflow({
      definitionJson: tinyWorkflow('t.inactive', 2, { is_active: false }),
      user: '',
    });
    assert.equal(res.version, '2');
    assert.equal(res.activeVersion, '1');
    assert.equal(
      (await def().getWorkflow({ workflowId: 't.inactive', version: 'active' })).workflow?.version,
      '1',
    );
    assert.equal(
      (await def().getWorkflow({ workflowId: 't.inactive', version: 'default' })).workflow?.version,
      '1',
    );
    assert.equal(
      (await def().getWorkflow({ workflowId: 't.inactive', version: 'latest' })).workflow?.version,
      '2',
    );
  });

  test('ValidateWorkflow answers what a push would, and stores nothing', async () => {
    const before = await def().listVersions({ workflowId: 't.versions', pageSize: 0, pageToken: '' });
    const same = await def().validateWorkflow({ definitionJson: tinyWorkflow('t.versions', 2), user: '' });
    assert.deepEqual([same.version, same.created], ['2', false]);
    const changed = await def().validateWorkflow({ definitionJson: tinyWorkflow('t.versions', 3), user: '' });
    assert.deepEqual([changed.version, changed.created], ['3', true]);
    const fresh = await def().validateWorkflow({
      definitionJson: tinyWorkflow('t.never_pushed', 3),
      user: '',
    });
    assert.deepEqual([fresh.workflowId, fresh.version, fresh.created], ['t.never_pushed', '1', true]);
    const afterList = await def().listVersions({ workflowId: 't.versions', pageSize: 0, pageToken: '' });
    assert.deepEqual(
      afterList.versions.map((v) => v.version),
      before.versions.map((v) => v.version),
    );
    await expectCode(def().getWorkflow({ workflowId: 't.never_pushed', version: '' }), 'NOT_FOUND');
    const bad = await expectCode(
      def().validateWorkflow({ definitionJson: '{"workflow": {"id": "x"', user: '' }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(bad), ['$']);
  });

  test('get: unknown workflow, unknown version, no active version, bad selector, bad id', async () => {
    const nf = await expectCode(def().getWorkflow({ workflowId: 'no.such', version: '' }), 'NOT_FOUND');
    assert.equal(nf.reason, 'WORKFLOW_NOT_FOUND');
    const nv = await expectCode(def().getWorkflow({ workflowId: 't.versions', version: '99' }), 'NOT_FOUND');
    assert.equal(nv.reason, 'VERSION_NOT_FOUND');
    assert.match(nv.message, /latest is 2/);
    const sel = await expectCode(
      def().getWorkflow({ workflowId: 't.versions', version: 'newest' }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(sel), ['version']);
    const id = await expectCode(
      def().getWorkflow({ workflowId: 'bad id!', version: '' }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(id), ['workflow_id']);
    await expectCode(def().getWorkflow({ workflowId: '', version: '' }), 'INVALID_ARGUMENT');
  });

  test('a bad push reports every problem with its path and changes nothing', async () => {
    const text = JSON.stringify({
      workflow: {
        id: 't.versions',
        colour: 'red',
        steps: [
          { step: { id: 'a', type: 'Bogus', transition: { successors: { nowhere: 'true' } } } },
          { step: { id: 'a', type: 'NoOp' } },
        ],
      },
    });
    const err = await expectCode(def().pushWorkflow({ definitionJson: text, user: '' }), 'INVALID_ARGUMENT');
    const f = fields(err);
    assert.ok(f.includes('workflow.colour'), f.join());
    assert.ok(
      f.some((x) => x.startsWith('workflow.steps[0].step.type')),
      f.join(),
    );
    assert.ok(
      f.some((x) => x.startsWith('workflow.steps[1]')),
      f.join(),
    );
    assert.ok(
      f.some((x) => x.includes('successors')),
      f.join(),
    );
    const latest = await def().getWorkflow({ workflowId: 't.versions', version: 'latest' });
    assert.equal(latest.workflow?.version, '2');
  });

  test('SEL problems come back with their JSON path and line/column', async () => {
    const text = JSON.stringify({
      workflow: {
        id: 't.sel',
        params: {
          x: { expression: 'return 1 +;', type: 'LONG' },
          y: { expression: 'int z = "s"; return z;', type: 'LONG' },
        },
        steps: [
          { step: { id: 'a', type: 'NoOp', transition: { successors: { b: 'params.get("x") >' } } } },
          { step: { id: 'b', type: 'NoOp' } },
        ],
      },
    });
    const err = await expectCode(def().pushWorkflow({ definitionJson: text, user: '' }), 'INVALID_ARGUMENT');
    const byField = new Map(err.violations.map((v) => [v.field, v.description]));
    assert.match(byField.get('workflow.params.x.expression') ?? '', /line 1, column \d+/);
    assert.match(byField.get('workflow.params.y.expression') ?? '', /line 1, column \d+/);
    const succ = [...byField.keys()].find((k) => k.includes('successors'));
    assert.ok(succ, [...byField.keys()].join());
    await expectCode(def().getWorkflow({ workflowId: 't.sel', version: '' }), 'NOT_FOUND');
  });

  test('an empty request is INVALID_ARGUMENT', async () => {
    const err = await expectCode(def().pushWorkflow({ definitionJson: '', user: '' }), 'INVALID_ARGUMENT');
    assert.deepEqual(fields(err), ['definition_json']);
  });
});

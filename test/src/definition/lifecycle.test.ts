import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { expectCode, fields } from '../support/errors';
import { tinyWorkflow } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });
const def = () => env.clients.definition;
const list = (
  q: Partial<{ pageSize: number; pageToken: string; owner: string; tag: string; idPrefix: string }>,
) => def().listWorkflows({ pageSize: 0, pageToken: '', owner: '', tag: '', idPrefix: '', ...q });

function owned(id: string, owner: string, tags: string[], n = 0): string {
  return JSON.stringify({
    properties: { owner, tags },
    workflow: { id, steps: [{ step: { id: 'a', type: 'NoOp', params: { n: { value: n, type: 'LONG' } } } }] },
  });
}

describe('list, activate, properties, delete', () => {
  test('list pages with a cursor and filters by owner, tag and id prefix', async () => {
    for (let i = 0; i < 12; i++) {
      await def().pushWorkflow({
        definitionJson: owned(
          `list.w${String(i).padStart(2, '0')}`,
          i % 2 ? 'odd' : 'even',
          i % 3 ? [] : ['three'],
        ),
        user: '',
      });
    }
    await def().pushWorkflow({ definitionJson: owned('other.x', 'odd', ['three']), user: '' });
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await list({ pageSize: 5, pageToken: token, idPrefix: 'list.' });
      seen.push(...page.workflows.map((w) => w.workflowId));
      token = page.nextPageToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      Array.from({ length: 12 }, (_, i) => `list.w${String(i).padStart(2, '0')}`),
    );
    const odd = await list({ owner: 'odd' });
    assert.deepEqual(
      odd.workflows.map((w) => w.workflowId),
      ['list.w01', 'list.w03', 'list.w05', 'list.w07', 'list.w09', 'list.w11', 'other.x'],
    );
    const three = await list({ tag: 'three', idPrefix: 'list.' });
    assert.deepEqual(
      three.workflows.map((w) => w.workflowId),
      ['list.w00', 'list.w03', 'list.w06', 'list.w09'],
    );
    const both = await list({ tag: 'three', owner: 'odd' });
    assert.deepEqual(
      both.workflows.map((w) => w.workflowId),
      ['list.w03', 'list.w09', 'other.x'],
    );
    const summary = (await list({ idPrefix: 'list.w00' })).workflows[0];
    assert.deepEqual(
      [summary.latestVersion, summary.activeVersion, summary.owner, summary.tags],
      ['1', '1', 'even', ['three']],
    );
  });

  test('versions list newest first, paged, with the active flag', async () => {
    for (let n = 1; n <= 5; n++)
      await def().pushWorkflow({ definitionJson: tinyWorkflow('t.hist', n), user: '' });
    const first = await def().listVersions({ workflowId: 't.hist', pageSize: 2, pageToken: '' });
    assert.deepEqual(
      first.versions.map((v) => v.version),
      ['5', '4'],
    );
    assert.equal(first.versions[0].active, true);
    assert.equal(first.versions[0].definitionJson, '', 'lists leave the definition out');
    const second = await def().listVersions({
      workflowId: 't.hist',
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    assert.deepEqual(
      second.versions.map((v) => v.version),
      ['3', '2'],
    );
    const third = await def().listVersions({
      workflowId: 't.hist',
      pageSize: 2,
      pageToken: second.nextPageToken,
    });
    assert.deepEqual(
      third.versions.map((v) => v.version),
      ['1'],
    );
    assert.equal(third.nextPageToken, '');
    await expectCode(def().listVersions({ workflowId: 'no.such', pageSize: 0, pageToken: '' }), 'NOT_FOUND');
  });

  test('activate a version, deactivate the workflow', async () => {
    const act = await def().activateVersion({ workflowId: 't.hist', version: '2' });
    assert.deepEqual([act.activeVersion, act.previousActiveVersion, act.changed], ['2', '5', true]);
    const again = await def().activateVersion({ workflowId: 't.hist', version: '2' });
    assert.equal(again.changed, false);
    assert.equal(
      (await def().getWorkflow({ workflowId: 't.hist', version: 'active' })).workflow?.version,
      '2',
    );
    assert.equal(
      (await def().getWorkflow({ workflowId: 't.hist', version: 'default' })).workflow?.version,
      '2',
    );
    const latest = await def().activateVersion({ workflowId: 't.hist', version: 'latest' });
    assert.equal(latest.activeVersion, '5');
    const off = await def().deactivateWorkflow({ workflowId: 't.hist' });
    assert.deepEqual([off.previousActiveVersion, off.changed], ['5', true]);
    assert.equal((await def().deactivateWorkflow({ workflowId: 't.hist' })).changed, false);
    const none = await expectCode(
      def().getWorkflow({ workflowId: 't.hist', version: 'active' }),
      'NOT_FOUND',
    );
    assert.equal(none.reason, 'NO_ACTIVE_VERSION');
    assert.equal(
      (await def().getWorkflow({ workflowId: 't.hist', version: 'default' })).workflow?.version,
      '5',
    );
    assert.equal((await list({ idPrefix: 't.hist' })).workflows[0].activeVersion, '0');
    await expectCode(def().activateVersion({ workflowId: 't.hist', version: '9' }), 'NOT_FOUND');
    assert.deepEqual(
      fields(
        await expectCode(
          def().activateVersion({ workflowId: 't.hist', version: 'active' }),
          'INVALID_ARGUMENT',
        ),
      ),
      ['version'],
    );
    assert.deepEqual(
      fields(
        await expectCode(def().activateVersion({ workflowId: 't.hist', version: '' }), 'INVALID_ARGUMENT'),
      ),
      ['version'],
    );
    await expectCode(def().deactivateWorkflow({ workflowId: 'no.such' }), 'NOT_FOUND');
  });

  test('properties are merged onto the previous snapshot, apart from versions', async () => {
    await def().pushWorkflow({
      definitionJson: JSON.stringify({
        properties: {
          owner: 'alice',
          run_strategy: { rule: 'parallel', workflow_concurrency: 5 },
          tags: ['a'],
        },
        workflow: { id: 't.props', steps: [{ step: { id: 'a', type: 'NoOp' } }] },
      }),
      user: '',
    });
    const res = await def().updateProperties({
      workflowId: 't.props',
      propertiesJson: '{"step_concurrency": 3, "tags": ["b", "c"]}',
      user: 'bob',
    });
    const p = res.properties!;
    assert.deepEqual(
      [
        p.snapshot,
        p.owner,
        p.runStrategy?.rule,
        p.runStrategy?.workflowConcurrency,
        p.stepConcurrency,
        p.tags,
        p.updatedBy,
      ],
      ['2', 'alice', 'PARALLEL', 5, 3, ['b', 'c'], 'bob'],
    );
    const got = await def().getWorkflow({ workflowId: 't.props', version: '' });
    assert.equal(got.workflow?.version, '1', 'a properties change makes no version');
    assert.equal(got.properties?.stepConcurrency, 3);
    assert.deepEqual(
      JSON.parse(got.properties!.propertiesJson).tags.map((t: { name: string }) => t.name),
      ['b', 'c'],
    );
    assert.deepEqual(
      (await list({ tag: 'c' })).workflows.map((w) => w.workflowId),
      ['t.props'],
    );
    const bad = await expectCode(
      def().updateProperties({
        workflowId: 't.props',
        propertiesJson: '{"owner": 5, "nope": true}',
        user: '',
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(bad).sort(), ['properties.nope', 'properties.owner']);
    assert.equal((await def().getWorkflow({ workflowId: 't.props', version: '' })).properties?.snapshot, '2');
    await expectCode(
      def().updateProperties({ workflowId: 'no.such', propertiesJson: '{}', user: '' }),
      'NOT_FOUND',
    );
  });

  test('delete removes the workflow with all its versions', async () => {
    const res = await def().deleteWorkflow({ workflowId: 't.hist' });
    assert.equal(res.deletedVersions, '5');
    await expectCode(def().getWorkflow({ workflowId: 't.hist', version: '1' }), 'NOT_FOUND');
    assert.equal((await list({ idPrefix: 't.hist' })).workflows.length, 0);
    await expectCode(def().deleteWorkflow({ workflowId: 't.hist' }), 'NOT_FOUND');
    // The id is free again: a new push starts at version 1.
    assert.equal(
      (await def().pushWorkflow({ definitionJson: tinyWorkflow('t.hist', 1), user: '' })).version,
      '1',
    );
  });
});

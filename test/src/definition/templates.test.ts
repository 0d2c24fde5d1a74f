import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { baton } from '../cli-runs/baton';
import { push, waitEnd } from '../scheduler/support';
import { expectCode } from '../support/errors';
import { useStack } from '../support/stack';

// Job templates through the services: a step with a sub_type takes the template's params under its
// own, a template step becomes a step of the template's type, and the version pins the template.
const env = useStack();
const str = (value: string) => ({ type: 'STRING', value });

const greeter = (greeting: string) =>
  JSON.stringify({
    sub_type: 'demo.greeter',
    type: 'Shell',
    description: 'says a greeting',
    params: {
      shell: { type: 'MAP', value: { script: str('echo "$greeting from the template"') } },
      greeting: str(greeting),
    },
  });

async function logOf(workflowId: string, instanceId: string, stepId: string): Promise<string> {
  const r = baton(env, ['logs', workflowId, instanceId, stepId]);
  assert.equal(r.code, 0, r.err);
  return r.out;
}

describe('job templates', () => {
  test('push is versioned and idempotent; steps take the template params under their own', async () => {
    const first = await env.clients.definition.pushJobTemplate({ templateJson: greeter('hello') });
    assert.deepEqual([first.subType, first.version, first.created], ['demo.greeter', 1, true]);
    const again = await env.clients.definition.pushJobTemplate({ templateJson: greeter('hello') });
    assert.deepEqual([again.version, again.created], [1, false]);
    await push(env.clients, {
      id: 'tpl.wf',
      steps: [
        {
          step: {
            id: 'own',
            type: 'Shell',
            sub_type: 'demo.greeter',
            params: { greeting: str('hi') },
            transition: { successors: { plain: 'true' } },
          },
        },
        { template: { id: 'plain', sub_type: 'demo.greeter' } },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'tpl.wf' });
    const inst = await waitEnd(env.clients, 'tpl.wf', st.instanceId);
    assert.equal(
      inst.status,
      'SUCCEEDED',
      JSON.stringify(inst.steps.map((s) => [s.stepId, s.status, s.error])),
    );
    assert.equal(await logOf('tpl.wf', st.instanceId, 'own'), 'hi from the template\n');
    assert.equal(await logOf('tpl.wf', st.instanceId, 'plain'), 'hello from the template\n');

    // A new template version does not change the pushed workflow version; a new push takes it.
    const v2 = await env.clients.definition.pushJobTemplate({ templateJson: greeter('bonjour') });
    assert.equal(v2.version, 2);
    const rerun = await env.clients.scheduler.startWorkflow({ workflowId: 'tpl.wf' });
    await waitEnd(env.clients, 'tpl.wf', rerun.instanceId);
    assert.equal(await logOf('tpl.wf', rerun.instanceId, 'plain'), 'hello from the template\n');
    const wf = await env.clients.definition.getWorkflow({ workflowId: 'tpl.wf', version: 'latest' });
    assert.match(wf.workflow!.definitionJson, /"sub_type_version":"1"/);

    // The CLI.
    const file = join(tmpdir(), `baton-template-${process.pid}.json`);
    writeFileSync(file, greeter('hallo'));
    const pushed = baton(env, ['template', 'push', file]);
    assert.equal(pushed.code, 0, pushed.err);
    assert.match(pushed.out, /pushed job template demo\.greeter version 3/);
    const got = baton(env, ['template', 'get', 'demo.greeter', '--version', '2']);
    assert.match(got.out, /demo\.greeter version 2 \(SHELL\)/);
    assert.match(got.out, /bonjour/);
    const list = baton(env, ['template', 'list', '--prefix', 'demo.']);
    assert.match(list.out, /demo\.greeter\s+v3/);
  });

  test('hostile input: INVALID_ARGUMENT naming the field; unknown templates are named', async () => {
    const bad = async (templateJson: string, field: RegExp) => {
      const err = await expectCode(
        env.clients.definition.pushJobTemplate({ templateJson }),
        'INVALID_ARGUMENT',
      );
      assert.ok(
        err.violations.some((v) => field.test(v.field)),
        JSON.stringify(err.violations),
      );
    };
    await bad('', /^template_json$/);
    await bad('{not json', /^template_json$/);
    await bad(JSON.stringify({ sub_type: '../etc', type: 'Shell' }), /^template_json\.sub_type$/);
    await bad(JSON.stringify({ sub_type: 'x', type: 'NoOp' }), /^template_json\.type$/);
    await bad(
      JSON.stringify({ sub_type: 'x', type: 'Shell', params: { p: { type: 'NOPE', value: 1 } } }),
      /^template_json\.params/,
    );
    await bad(JSON.stringify({ sub_type: 'x', type: 'Shell', evil: true }), /^template_json\.evil$/);
    await bad('x'.repeat(300 * 1024), /^template_json$/);
    await expectCode(env.clients.definition.getJobTemplate({ subType: 'nope', version: 0 }), 'NOT_FOUND');
    const e = await expectCode(
      env.clients.definition.getJobTemplate({ subType: 'a b', version: -1 }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(e.violations.map((v) => v.field).sort(), ['sub_type', 'version']);
    await expectCode(
      env.clients.definition.listJobTemplates({ prefix: '', pageSize: 100_000, pageToken: '' }),
      'INVALID_ARGUMENT',
    );
    const missing = await expectCode(
      env.clients.definition.pushWorkflow({
        definitionJson: JSON.stringify({
          workflow: { id: 'tpl.missing', steps: [{ template: { id: 't', sub_type: 'no.such' } }] },
        }),
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(missing.violations, [
      { field: 'workflow.steps[0].template.sub_type', description: "no job template 'no.such'" },
    ]);
    const clash = await expectCode(
      env.clients.definition.pushWorkflow({
        definitionJson: JSON.stringify({
          workflow: {
            id: 'tpl.clash',
            steps: [{ step: { id: 's', type: 'Python', sub_type: 'demo.greeter' } }],
          },
        }),
      }),
      'INVALID_ARGUMENT',
    );
    assert.match(clash.violations[0]!.description, /is a SHELL template/);
  });
});

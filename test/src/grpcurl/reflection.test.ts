import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { grpcurl } from '../support/grpcurl';
import { readRepoFile } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack();

const SERVICES: Record<string, string> = {
  definition: 'baton.v1.DefinitionService',
  scheduler: 'baton.v1.SchedulerService',
  'step-runtime': 'baton.v1.StepRuntimeService',
  signal: 'baton.v1.SignalService',
};

function call(addr: string, method: string, body: unknown) {
  return grpcurl(['-plaintext', '-d', JSON.stringify(body), addr, method]);
}

// grpcurl ≥ 1.8.8 is strict about descriptors: it must list,
// describe and call every RPC through our reflection service, with no proto files.
describe('grpcurl against every service', () => {
  for (const [name, svc] of Object.entries(SERVICES)) {
    test(`${name}: list, describe every method and message, health`, () => {
      const addr = env.stack.addresses[name];
      const list = grpcurl(['-plaintext', addr, 'list']);
      assert.equal(list.code, 0, list.stderr);
      assert.ok(list.stdout.split('\n').includes(svc), list.stdout);
      assert.ok(list.stdout.includes('grpc.health.v1.Health'));
      const methods = grpcurl(['-plaintext', addr, 'list', svc]);
      assert.equal(methods.code, 0, methods.stderr);
      const names = methods.stdout.trim().split('\n');
      assert.ok(names.length >= 2, methods.stdout);
      for (const m of names) {
        const d = grpcurl(['-plaintext', addr, 'describe', m]);
        assert.equal(d.code, 0, `${m}: ${d.stderr}`);
        const req = d.stdout.match(/\( (?:stream )?\.([\w.]+) \)/);
        assert.ok(req, d.stdout);
        const msg = grpcurl(['-plaintext', addr, 'describe', req[1]]);
        assert.equal(msg.code, 0, `${req[1]}: ${msg.stderr}`);
      }
      const health = call(addr, 'grpc.health.v1.Health/Check', { service: svc });
      assert.equal(health.code, 0, health.stderr);
      assert.match(health.stdout, /"status": "SERVING"/);
      const live = call(addr, 'grpc.health.v1.Health/Check', { service: 'liveness' });
      assert.match(live.stdout, /"status": "SERVING"/);
    });
  }

  test('error details decode: google.rpc.BadRequest and ErrorInfo are resolvable', () => {
    const addr = env.stack.addresses.definition;
    for (const t of ['google.rpc.BadRequest', 'google.rpc.ErrorInfo', 'google.rpc.Status']) {
      const d = grpcurl(['-plaintext', addr, 'describe', t]);
      assert.equal(d.code, 0, `${t}: ${d.stderr}`);
    }
  });

  test('the scheduler answers through grpcurl: start a run and read it', async () => {
    const def = env.stack.addresses.definition;
    const sched = env.stack.addresses.scheduler;
    const wf = { workflow: { id: 'grpcurl.run', steps: [{ step: { id: 'a', type: 'NoOp' } }] } };
    assert.equal(
      call(def, 'baton.v1.DefinitionService/PushWorkflow', { definition_json: JSON.stringify(wf) }).code,
      0,
    );
    const started = call(sched, 'baton.v1.SchedulerService/StartWorkflow', {
      workflow_id: 'grpcurl.run',
      request_id: 'g1',
    });
    assert.equal(started.code, 0, started.stderr);
    assert.equal(JSON.parse(started.stdout).instanceId, '1');
    let status = '';
    for (let i = 0; i < 100 && status !== 'SUCCEEDED'; i++) {
      const got = call(sched, 'baton.v1.SchedulerService/GetInstance', {
        ref: { workflow_id: 'grpcurl.run', instance_id: '1' },
      });
      status = JSON.parse(got.stdout).instance.status;
      if (status !== 'SUCCEEDED') await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, 'SUCCEEDED');
    const missing = call(sched, 'baton.v1.SchedulerService/StartWorkflow', { workflow_id: 'no.such' });
    assert.match(missing.stdout + missing.stderr, /Code: NotFound/);
  });

  test('calls every DefinitionService RPC', () => {
    const addr = env.stack.addresses.definition;
    const M = (m: string) => `baton.v1.DefinitionService/${m}`;
    const text = readRepoFile('examples', 'hello-world.json');
    const ok = (r: ReturnType<typeof grpcurl>) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    assert.equal(
      ok(call(addr, M('ValidateWorkflow'), { definition_json: text })).workflowId,
      'demo.hello_world',
    );
    assert.equal(ok(call(addr, M('PushWorkflow'), { definition_json: text })).version, '1');
    const changed = JSON.parse(text);
    changed.workflow.description = 'changed';
    assert.equal(
      ok(call(addr, M('PushWorkflow'), { definition_json: JSON.stringify(changed) })).version,
      '2',
    );
    assert.equal(
      ok(call(addr, M('GetWorkflow'), { workflow_id: 'demo.hello_world', version: '1' })).workflow.version,
      '1',
    );
    assert.equal(
      ok(call(addr, M('ListWorkflows'), { owner: 'demo' })).workflows[0].workflowId,
      'demo.hello_world',
    );
    assert.equal(ok(call(addr, M('ListVersions'), { workflow_id: 'demo.hello_world' })).versions.length, 2);
    assert.equal(
      ok(call(addr, M('ActivateVersion'), { workflow_id: 'demo.hello_world', version: '1' })).activeVersion,
      '1',
    );
    assert.equal(ok(call(addr, M('DeactivateWorkflow'), { workflow_id: 'demo.hello_world' })).changed, true);
    assert.equal(
      ok(
        call(addr, M('UpdateProperties'), {
          workflow_id: 'demo.hello_world',
          properties_json: '{"owner": "bob"}',
        }),
      ).properties.owner,
      'bob',
    );
    assert.equal(
      ok(call(addr, M('DeleteWorkflow'), { workflow_id: 'demo.hello_world' })).deletedVersions,
      '2',
    );
    const gone = call(addr, M('GetWorkflow'), { workflow_id: 'demo.hello_world' });
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr + gone.stdout, /Code: NotFound/);
    assert.match(gone.stderr + gone.stdout, /WORKFLOW_NOT_FOUND/);
  });

  test('a bad push shows its field violations; unknown request fields are rejected by grpcurl itself', () => {
    const addr = env.stack.addresses.definition;
    const bad = call(addr, 'baton.v1.DefinitionService/PushWorkflow', {
      definition_json: JSON.stringify({
        workflow: { id: 'x', steps: [{ step: { id: 'a', type: 'NoOp', extra: 1 } }] },
      }),
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout + bad.stderr, /Code: InvalidArgument/);
    assert.match(bad.stdout + bad.stderr, /"field": "workflow.steps\[0\].step.extra"/);
  });

  test('the signal service answers through reflection: publish, then read back', () => {
    const r = call(env.stack.addresses.signal, 'baton.v1.SignalService/PublishSignal', {
      name: 'grpcurl/s',
      params: { n: { long_value: '7' } },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).seq, '1');
    const g = call(env.stack.addresses.signal, 'baton.v1.SignalService/GetSignal', { name: 'grpcurl/s' });
    assert.equal(g.code, 0, g.stderr);
    assert.deepEqual(JSON.parse(g.stdout).signal.params, { n: { longValue: '7' } });
  });
});

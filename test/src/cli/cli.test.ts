import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { repoRoot } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition'] });

/** The real `baton` command (the npm bin link), pointed at the test stack. */
function baton(...args: string[]) {
  const r = spawnSync(join(repoRoot, 'node_modules', '.bin', 'baton'), args, {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env.stack.clientEnv, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('baton CLI against a real definition service', () => {
  test('push, then push again unchanged', () => {
    const first = baton('push', 'examples/hello-world.json');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /pushed demo\.hello_world version 1 \(new\)/);
    const again = baton('push', 'examples/hello-world.json');
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /version 1/);
    assert.match(again.out, /unchanged/);
  });

  test('validate, get, list, versions (readable and --json)', () => {
    const v = baton('validate', 'examples/branching-dag.json');
    assert.equal(v.code, 0, v.err);
    const get = baton('get', 'demo.hello_world', '--version', 'active');
    assert.equal(get.code, 0, get.err);
    assert.match(get.out, /demo\.hello_world/);
    const json = baton('--json', 'get', 'demo.hello_world');
    assert.equal(json.code, 0, json.err);
    const parsed = JSON.parse(json.out);
    assert.equal(parsed.workflow.version, '1');
    const list = baton('list', '--prefix', 'demo.');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /demo\.hello_world/);
    const listJson = JSON.parse(baton('list', '--json').out);
    assert.ok(listJson.workflows.some((w: { workflowId: string }) => w.workflowId === 'demo.hello_world'));
    const versions = baton('versions', 'demo.hello_world');
    assert.equal(versions.code, 0, versions.err);
  });

  test('activate, deactivate, props, delete', () => {
    assert.equal(baton('deactivate', 'demo.hello_world').code, 0);
    assert.equal(baton('get', 'demo.hello_world', '--version', 'active').code, 1);
    const act = baton('activate', 'demo.hello_world', '1');
    assert.equal(act.code, 0, act.err);
    const props = baton('props', 'demo.hello_world', '{"owner": "carol"}');
    assert.equal(props.code, 0, props.err);
    assert.equal(JSON.parse(baton('--json', 'get', 'demo.hello_world').out).properties.owner, 'carol');
    assert.notEqual(
      baton('delete', 'demo.hello_world').code,
      0,
      'delete without --yes and no terminal refuses',
    );
    assert.equal(baton('delete', 'demo.hello_world', '--yes').code, 0);
    const gone = baton('get', 'demo.hello_world');
    assert.equal(gone.code, 1);
    assert.match(gone.err, /not found/i);
  });

  test('a bad definition exits 2 with every field violation', () => {
    const bad = JSON.stringify({
      workflow: { id: 'demo.bad', steps: [{ step: { id: 'a', type: 'Bogus', x: 1 } }] },
    });
    const r = spawnSync(join(repoRoot, 'node_modules', '.bin', 'baton'), ['push', '-'], {
      input: bad,
      encoding: 'utf8',
      env: { ...process.env, ...env.stack.clientEnv, NO_COLOR: '1' },
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /- workflow\.steps\[0\]\.step\.x: /);
    assert.match(r.stderr, /- workflow\.steps\[0\]\.step\.type: /);
    const j = spawnSync(join(repoRoot, 'node_modules', '.bin', 'baton'), ['--json', 'push', '-'], {
      input: bad,
      encoding: 'utf8',
      env: { ...process.env, ...env.stack.clientEnv },
    });
    assert.equal(j.status, 2);
    const e = JSON.parse(j.stderr).error;
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.equal(e.violations.length, 2);
  });

  test('sel eval prints the result as JSON; a bad expression exits non-zero with its position', () => {
    const ok = baton('sel', 'eval', 'Util.dateIntsBetween(20200101, 20200104, 1)');
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(JSON.parse(ok.out), [20200101, 20200102, 20200103]);
    const withParams = baton('sel', 'eval', 'x * 2 + 1', '--params', '{"x": 20}');
    assert.equal(withParams.out.trim(), '41');
    const bad = baton('sel', 'eval', '1 +');
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /line 1, column \d+/);
  });

  test('an unreachable service is a clear error naming the address', () => {
    const r = spawnSync(join(repoRoot, 'node_modules', '.bin', 'baton'), ['list', '--timeout', '1s'], {
      encoding: 'utf8',
      env: { ...process.env, BATON_DEFINITION_ADDR: '127.0.0.1:1' },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /127\.0\.0\.1:1/);
  });
});

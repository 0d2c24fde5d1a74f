import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import type {
  ListWorkflowsRequest,
  ListWorkflowsResponse,
  PushWorkflowRequest,
  UpdatePropertiesRequest,
  WorkflowSummary,
  WorkflowVersion,
} from '@baton/proto';
import { BatonClientError, type ConnectOptions } from '@baton/sdk';
import { createCommandContext } from '../command-context';
import { runCli } from '../run-cli';
import { captureIo, fakeClients } from '../../test/test-support';
import { listCommand, pushCommand } from './definition-commands';

const pushed = {
  workflowId: 'demo.hello_world',
  version: '3',
  created: true,
  activeVersion: '3',
  propertiesSnapshot: '1',
  stepCount: 4,
};

function summary(id: string, over: Partial<WorkflowSummary> = {}): WorkflowSummary {
  return {
    workflowId: id,
    name: `Name of ${id}`,
    owner: 'alice',
    tags: ['etl'],
    latestVersion: '2',
    activeVersion: '1',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-02T03:04:05Z'),
    ...over,
  };
}

const version: WorkflowVersion = {
  workflowId: 'demo.hello_world',
  version: '3',
  name: 'Hello',
  description: '',
  definitionJson: '{"id":"demo.hello_world","steps":[{"step":{"id":"a","type":"NoOp"}}]}',
  stepCount: 1,
  active: true,
  createdAt: new Date('2025-01-02T03:04:05Z'),
  createdBy: 'alice',
  digest: 'sha256:0123456789abcdef0123',
};

function definitionFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-cli-'));
  writeFileSync(join(dir, 'wf.json'), '{"workflow":{"id":"demo.hello_world"}}');
  return dir;
}

test('push prints a one-line summary and sends the file and user', async () => {
  const { io, stdout } = captureIo({ env: { BATON_USER: 'bob' } });
  let sent: Partial<PushWorkflowRequest> = {};
  const clients = fakeClients({
    pushWorkflow: async (req: PushWorkflowRequest) => {
      sent = req;
      return pushed;
    },
  });
  const dir = definitionFile();
  const ctx = createCommandContext({ ...io, cwd: dir }, { json: false, connect: () => clients });
  await pushCommand(ctx, 'wf.json');
  assert.equal(stdout.text, 'pushed demo.hello_world version 3 (new): 4 steps, active version 3\n');
  assert.deepEqual(sent, { definitionJson: '{"workflow":{"id":"demo.hello_world"}}', user: 'bob' });
});

test('push - reads stdin; --json prints exactly the response', async () => {
  const { io, stdout, stderr } = captureIo({ stdinText: '{"x":1}' });
  let sent = '';
  const clients = fakeClients({
    pushWorkflow: async (req: PushWorkflowRequest) => {
      sent = req.definitionJson;
      return { ...pushed, created: false };
    },
  });
  const code = await runCli(['push', '-', '--json', '--user', 'carol'], io, { connect: () => clients });
  assert.equal(code, 0, stderr.text);
  assert.equal(sent, '{"x":1}');
  assert.deepEqual(JSON.parse(stdout.text), { ...pushed, created: false });
});

test('an INVALID_ARGUMENT answer prints message and every violation, exit 2', async () => {
  const { io, stdout, stderr } = captureIo();
  const clients = fakeClients({
    pushWorkflow: async () => {
      throw new BatonClientError('INVALID_ARGUMENT', 'the definition has 2 problems', {
        violations: [
          { field: 'workflow.id', description: 'is required' },
          { field: 'workflow.steps[1].id', description: 'duplicates steps[0].id' },
        ],
        requestId: 'r-1',
      });
    },
  });
  const code = await runCli(
    ['push', 'wf.json'],
    { ...io, cwd: definitionFile() },
    { connect: () => clients },
  );
  assert.equal(code, 2);
  assert.equal(stdout.text, '');
  assert.equal(
    stderr.text,
    [
      'error: the definition has 2 problems (INVALID_ARGUMENT)',
      '  - workflow.id: is required',
      '  - workflow.steps[1].id: duplicates steps[0].id',
      '',
    ].join('\n'),
  );
});

test('with --json the error goes to stderr as JSON; NOT_FOUND exits 1', async () => {
  const { io, stdout, stderr } = captureIo();
  const clients = fakeClients({
    getWorkflow: async () => {
      throw new BatonClientError('NOT_FOUND', 'no workflow demo.nope', {
        reason: 'WORKFLOW_NOT_FOUND',
        requestId: 'r-2',
      });
    },
  });
  const code = await runCli(['--json', 'get', 'demo.nope'], io, { connect: () => clients });
  assert.equal(code, 1);
  assert.equal(stdout.text, '');
  assert.deepEqual(JSON.parse(stderr.text), {
    error: {
      code: 'NOT_FOUND',
      message: 'no workflow demo.nope',
      violations: [],
      reason: 'WORKFLOW_NOT_FOUND',
      requestId: 'r-2',
    },
  });
});

test('list --all follows page tokens and prints one aligned table', async () => {
  const { io, stdout, stderr } = captureIo();
  const requests: Partial<ListWorkflowsRequest>[] = [];
  const pages: Record<string, ListWorkflowsResponse> = {
    '': { workflows: [summary('demo.a')], nextPageToken: 't1' },
    t1: { workflows: [summary('demo.bb', { activeVersion: '0', tags: [] })], nextPageToken: '' },
  };
  const clients = fakeClients({
    listWorkflows: async (req: ListWorkflowsRequest) => {
      requests.push(req);
      return pages[req.pageToken];
    },
  });
  const code = await runCli(['list', '--all', '--owner', 'alice', '--limit', '1'], io, {
    connect: () => clients,
  });
  assert.equal(code, 0, stderr.text);
  assert.deepEqual(
    requests.map((r) => [r.pageToken, r.pageSize, r.owner]),
    [
      ['', 1, 'alice'],
      ['t1', 1, 'alice'],
    ],
  );
  assert.equal(
    stdout.text,
    [
      'WORKFLOW  NAME             OWNER  LATEST  ACTIVE  TAGS  UPDATED',
      'demo.a    Name of demo.a   alice       2       1  etl   2025-01-02 03:04:05Z',
      'demo.bb   Name of demo.bb  alice       2       -  -     2025-01-02 03:04:05Z',
      '',
    ].join('\n'),
  );
  assert.equal(stderr.text, '');
});

test('list without --all hints at the next page on stderr; an empty list says so', async () => {
  const { io, stdout, stderr } = captureIo();
  const ctx = createCommandContext(io, {
    json: false,
    connect: () => fakeClients({ listWorkflows: async () => ({ workflows: [], nextPageToken: 'abc' }) }),
  });
  await listCommand(ctx, {});
  assert.equal(stdout.text, 'no workflows\n');
  assert.equal(stderr.text, 'more results: add --all, or --page-token abc\n');
});

test('get shows the summary and the pretty definition; --raw only the definition', async () => {
  const clients = fakeClients({ getWorkflow: async () => ({ workflow: version, properties: undefined }) });
  const a = captureIo();
  assert.equal(
    await runCli(['get', 'demo.hello_world', '--version', 'latest'], a.io, { connect: () => clients }),
    0,
  );
  assert.match(a.stdout.text, /^demo\.hello_world version 3 \(active\)\nname +Hello\n/);
  assert.match(a.stdout.text, /created +2025-01-02 03:04:05Z by alice\n/);
  assert.ok(a.stdout.text.endsWith(`${JSON.stringify(JSON.parse(version.definitionJson), null, 2)}\n`));
  const b = captureIo();
  assert.equal(await runCli(['get', 'demo.hello_world', '--raw'], b.io, { connect: () => clients }), 0);
  assert.deepEqual(JSON.parse(b.stdout.text), JSON.parse(version.definitionJson));
});

test('versions, activate and deactivate print short summaries', async () => {
  const clients = fakeClients({
    listVersions: async () => ({
      versions: [version, { ...version, version: '2', active: false }],
      nextPageToken: '',
    }),
    activateVersion: async () => ({
      workflowId: 'w',
      activeVersion: '2',
      previousActiveVersion: '0',
      changed: true,
    }),
    deactivateWorkflow: async () => ({ workflowId: 'w', previousActiveVersion: '2', changed: true }),
  });
  const run = async (argv: string[]) => {
    const { io, stdout } = captureIo();
    assert.equal(await runCli(argv, io, { connect: () => clients }), 0);
    return stdout.text;
  };
  assert.equal(
    await run(['versions', 'w']),
    [
      'VERSION  ACTIVE  STEPS  CREATED               BY     DIGEST',
      '      3  yes         1  2025-01-02 03:04:05Z  alice  sha256:0123456789ab…',
      '      2              1  2025-01-02 03:04:05Z  alice  sha256:0123456789ab…',
      '',
    ].join('\n'),
  );
  assert.equal(await run(['activate', 'w', '2']), 'activated w version 2 (previously none)\n');
  assert.equal(await run(['deactivate', 'w']), 'deactivated w (was version 2)\n');
});

test('delete needs --yes when there is no terminal to confirm on', async () => {
  let deleted = false;
  const clients = fakeClients({
    deleteWorkflow: async () => {
      deleted = true;
      return { workflowId: 'w', deletedVersions: '5' };
    },
  });
  const a = captureIo();
  assert.equal(await runCli(['delete', 'w'], a.io, { connect: () => clients }), 2);
  assert.match(a.stderr.text, /refusing to delete w without --yes/);
  assert.equal(deleted, false);
  const b = captureIo();
  assert.equal(await runCli(['delete', 'w', '--yes'], b.io, { connect: () => clients }), 0);
  assert.equal(b.stdout.text, 'deleted w (5 versions)\n');
});

test('props takes inline JSON or a file', async () => {
  const sent: string[] = [];
  const clients = fakeClients({
    updateProperties: async (req: UpdatePropertiesRequest) => {
      sent.push(req.propertiesJson);
      return {
        properties: {
          snapshot: '4',
          owner: 'alice',
          runStrategy: { rule: 'PARALLEL', workflowConcurrency: 5 },
          stepConcurrency: 0,
          tags: ['a', 'b'],
          description: '',
          timeTriggerDisabled: false,
          signalTriggerDisabled: true,
          propertiesJson: '{}',
          updatedAt: new Date('2025-01-02T03:04:05Z'),
          updatedBy: 'bob',
        },
      };
    },
  });
  const { io, stdout } = captureIo();
  assert.equal(await runCli(['props', 'w', ' {"owner":"alice"}'], io, { connect: () => clients }), 0);
  assert.equal(
    stdout.text,
    [
      'updated properties of w: snapshot 4',
      'owner             alice',
      'run strategy      PARALLEL (workflow concurrency 5)',
      'step concurrency  unlimited',
      'tags              a,b',
      'triggers          signal triggers disabled',
      'properties        snapshot 4, updated 2025-01-02 03:04:05Z by bob',
      '',
    ].join('\n'),
  );
  const dir = definitionFile();
  const b = captureIo({ cwd: dir });
  assert.equal(await runCli(['props', 'w', 'wf.json'], b.io, { connect: () => clients }), 0);
  assert.deepEqual(sent, [' {"owner":"alice"}', '{"workflow":{"id":"demo.hello_world"}}']);
});

test('usage errors exit 2 without calling a service; help exits 0', async () => {
  const clients = fakeClients({});
  for (const argv of [
    ['get'],
    ['list', '--limit', '0'],
    ['get', 'w', '--version', 'v1'],
    ['nope'],
    [],
    ['push', 'missing.json'],
  ]) {
    const { io, stderr } = captureIo();
    assert.equal(await runCli(argv, io, { connect: () => clients }), 2, argv.join(' '));
    assert.match(stderr.text, /error|Usage/, argv.join(' '));
  }
  const { io, stdout } = captureIo();
  assert.equal(await runCli(['--help'], io, { connect: () => clients }), 0);
  assert.match(stdout.text, /Usage: baton/);
  for (const flag of ['--version', '-V']) {
    const v = captureIo();
    assert.equal(await runCli([flag], v.io, { connect: () => clients }), 0);
    assert.match(v.stdout.text, /^baton \d+\.\d+\.\d+ \(API baton\.v1\)\n$/);
  }
});

test('global flags reach connect(): per-service flag, --addr, --timeout, env', async () => {
  let seen: ConnectOptions | undefined;
  const clients = fakeClients({
    deactivateWorkflow: async () => ({ workflowId: 'w', previousActiveVersion: '0', changed: false }),
  });
  const { io, stdout } = captureIo({ env: { BATON_SIGNAL_ADDR: 'sig:1' } });
  const argv = ['deactivate', 'w', '--addr', 'box', '--scheduler-addr', 'sched:9', '--timeout', '3s'];
  assert.equal(
    await runCli(argv, io, {
      connect: (o) => {
        seen = o;
        return clients;
      },
    }),
    0,
  );
  assert.equal(stdout.text, 'w had no active version\n');
  assert.deepEqual(seen?.addresses, {
    definition: 'box:7401',
    scheduler: 'sched:9',
    stepRuntime: 'box:7403',
    signal: 'box:7404',
  });
  assert.equal(seen?.timeoutMs, 3000);
  assert.deepEqual(seen?.env, { BATON_SIGNAL_ADDR: 'sig:1' });
});

test('colour only on a terminal without NO_COLOR', async () => {
  const clients = fakeClients({ pushWorkflow: async () => pushed });
  const run = async (env: NodeJS.ProcessEnv, tty: boolean) => {
    const { io, stdout } = captureIo({ env, tty, cwd: definitionFile() });
    await runCli(['push', 'wf.json'], io, { connect: () => clients });
    return stdout.text;
  };
  const ESC = '\x1b[';
  assert.ok((await run({}, true)).includes(ESC));
  assert.ok(!(await run({ NO_COLOR: '1' }, true)).includes(ESC));
  assert.ok(!(await run({}, false)).includes(ESC));
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { WorkflowSummary } from '@baton/proto';
import { parse } from 'yaml';
import { captureIo, closedPort, fakeClients } from '../test/test-support';
import { runCli } from './run-cli';

const summary: WorkflowSummary = {
  workflowId: 'demo.fmt',
  name: 'Formats',
  owner: 'alice',
  tags: ['etl'],
  latestVersion: '2',
  activeVersion: '1',
  createdAt: new Date('2025-01-01T00:00:00Z'),
  updatedAt: new Date('2025-01-02T03:04:05Z'),
};
const connect = () =>
  fakeClients({ listWorkflows: async () => ({ workflows: [summary], nextPageToken: '' }) });

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { io, stdout, stderr } = captureIo({ env });
  const code = await runCli(args, io, { connect });
  return { code, out: stdout.text, err: stderr.text };
}

test('-o json equals --json; -o yaml carries the same data; -o wide adds columns to the table', async () => {
  const json = await run(['-o', 'json', 'list']);
  const alias = await run(['list', '--json']);
  assert.equal(json.code, 0);
  assert.equal(json.out, alias.out);
  const data = JSON.parse(json.out);
  assert.equal(data.workflows[0].workflowId, 'demo.fmt');
  const yaml = await run(['list', '--output=yaml']);
  assert.deepEqual(parse(yaml.out), data, 'the YAML is the JSON, field for field');
  const text = await run(['list']);
  const wide = await run(['-o', 'wide', 'list']);
  const header = (s: string) => s.split('\n')[0]!.split(/\s{2,}/);
  assert.deepEqual(header(text.out), ['WORKFLOW', 'NAME', 'OWNER', 'LATEST', 'ACTIVE', 'TAGS', 'UPDATED']);
  assert.deepEqual(header(wide.out), [...header(text.out), 'CREATED']);
  assert.match(wide.out.split('\n')[1]!, /2025-01-01/);
});

test('a format that does not exist is a usage error (exit 2), in the format asked for', async () => {
  const r = await run(['-o', 'xml', 'list']);
  assert.equal(r.code, 2);
  assert.match(r.err, /Allowed choices are text, wide, json, yaml/);
  const y = await run(['-o', 'yaml', 'nosuchcommand']);
  assert.equal(y.code, 2);
  assert.equal(parse(y.err).error.code, 'USAGE');
});

test('an unreachable service is named with its address and cause, never with grpc-js text', async () => {
  const port = await closedPort();
  const { io, stderr } = captureIo({ env: { BATON_DEFINITION_ADDR: `127.0.0.1:${port}` } });
  assert.equal(await runCli(['list', '--timeout', '3s'], io), 1);
  assert.match(
    stderr.text,
    new RegExp(`cannot reach the definition service at 127\\.0\\.0\\.1:${port}: connection refused`),
  );
  assert.doesNotMatch(stderr.text, /No connection established|Last error|Resolution note/);
  const j = captureIo({ env: { BATON_DEFINITION_ADDR: `127.0.0.1:${port}` } });
  assert.equal(await runCli(['-o', 'json', 'list', '--timeout', '3s'], j.io), 1);
  const err = JSON.parse(j.stderr.text).error;
  assert.equal(err.code, 'UNAVAILABLE');
  assert.equal(err.reason, 'CONNECTION_REFUSED');
  assert.doesNotMatch(err.message, /No connection established/);
});

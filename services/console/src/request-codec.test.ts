import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { JsonValue } from '@bufbuild/protobuf';
import { buildRpcTable } from './rpc-table';
import { RequestCodec } from './request-codec';

const codec = new RequestCodec();
const table = buildRpcTable();

function decode(key: string, json: JsonValue) {
  const entry = table.get(key);
  assert.ok(entry, key);
  return codec.decode(codec.schemaOf(entry.requestType), entry.request, json, 'body');
}

describe('RequestCodec', () => {
  test('every forwarded RPC has a request descriptor', () => {
    assert.ok(table.size > 20);
    for (const entry of table.values()) assert.ok(codec.schemaOf(entry.requestType), entry.requestType);
    assert.equal(table.has('stepRuntime.GetStepArtifact'), false, 'artifacts have their own route');
  });

  test("reads the JSON ts-proto writes (camelCase, int64 strings, timestamps, oneofs) into ts-proto's shape", () => {
    const r = decode('scheduler.StartWorkflow', {
      workflowId: 'demo.x',
      requestId: 'r-1',
      runParams: { n: { longValue: '42' }, s: { stringValue: 'hi' } },
    });
    assert.ok('value' in r, JSON.stringify(r));
    assert.deepEqual((r.value as { runParams: unknown }).runParams, {
      n: { kind: { $case: 'longValue', value: '42' } },
      s: { kind: { $case: 'stringValue', value: 'hi' } },
    });
    const list = decode('definition.ListWorkflows', { id_prefix: 'demo.', pageSize: 5 });
    assert.ok('value' in list);
    assert.equal((list.value as { idPrefix: string }).idPrefix, 'demo.', 'proto names are accepted too');
  });

  test('a wrong type, a bad int64, an unknown key or enum each name the field', () => {
    const cases: [string, JsonValue, string][] = [
      ['definition.ListWorkflows', { pageSize: 'abc' }, 'body.pageSize'],
      ['definition.ListWorkflows', { idPrefix: 5 }, 'body.idPrefix'],
      ['definition.ListWorkflows', { nope: true }, 'body.nope'],
      ['scheduler.GetInstance', { ref: { workflowId: 'w', instanceId: 'one' } }, 'body.instanceId'],
      [
        'scheduler.StartWorkflow',
        { workflowId: 'w', runParams: { n: { longValue: 1.5 } } },
        'body.longValue',
      ],
      ['scheduler.StartWorkflow', { workflowId: 'w', runParams: [] }, 'body.runParams'],
      ['scheduler.GetInstance', { ref: 1 }, 'body.ref'],
      ['scheduler.GetInstance', { ref: [] }, 'body.ref'],
      ['scheduler.StartWorkflow', { workflowId: 'w', runParams: { n: 'x' } }, 'body.runParams.n'],
    ];
    for (const [key, json, field] of cases) {
      const r = decode(key, json);
      assert.ok('violations' in r, `${key} ${JSON.stringify(json)} accepted`);
      assert.equal(r.violations.length, 1);
      assert.equal(r.violations[0].field, field, JSON.stringify(r.violations));
    }
  });

  test('every misshapen message is named with its path at once', () => {
    const r = decode('scheduler.StartWorkflow', {
      workflowId: 'w',
      runParams: { a: 1, b: { longValue: '2' }, c: [] },
      initiator: 'me',
    });
    assert.ok('violations' in r);
    assert.deepEqual(r.violations.map((v) => v.field).sort(), [
      'body.initiator',
      'body.runParams.a',
      'body.runParams.c',
    ]);
  });

  test('nesting past the recursion limit is refused, not a stack overflow', () => {
    let deep: JsonValue = 1;
    for (let i = 0; i < 200; i++) deep = { x: deep };
    const r = decode('scheduler.StartWorkflow', { workflowId: 'w', runParams: { p: { mapValue: deep } } });
    assert.ok('violations' in r);
  });
});

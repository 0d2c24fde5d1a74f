import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import {
  Metadata,
  Server,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  ServerCredentials,
  status,
} from '@grpc/grpc-js';
import {
  BadRequest,
  DefinitionServiceService,
  ErrorInfo,
  type GetWorkflowRequest,
  type GetWorkflowResponse,
  SchedulerServiceService,
  Status,
  type WatchInstanceRequest,
  type WatchInstanceResponse,
  type WorkflowVersion,
} from '@baton/proto';
import { type BatonClients, connect } from './connect';
import { BatonClientError } from './errors';

const version: WorkflowVersion = {
  workflowId: 'demo.hello',
  version: '3',
  name: 'Hello',
  description: 'says hello',
  definitionJson: '{"id":"demo.hello","steps":[]}',
  stepCount: 0,
  active: true,
  createdAt: new Date('2025-01-02T03:04:05.000Z'),
  createdBy: 'alice',
  digest: 'sha256:abc',
};

/** Request ids the server saw, by workflow id, to check what the SDK sends. */
const seenRequestIds = new Map<string, string>();

function getWorkflow(
  call: ServerUnaryCall<GetWorkflowRequest, GetWorkflowResponse>,
  cb: sendUnaryData<GetWorkflowResponse>,
) {
  const { workflowId } = call.request;
  seenRequestIds.set(workflowId, String(call.metadata.get('x-request-id')[0]));
  if (workflowId === 'hang') return; // never answers: the client's deadline must end the call
  if (workflowId === 'bad') {
    const st = Status.encode({
      code: status.INVALID_ARGUMENT,
      message: 'bad workflow id',
      details: [
        {
          typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
          value: Buffer.from(
            BadRequest.encode({
              fieldViolations: [
                {
                  field: 'workflow_id',
                  description: 'must not be "bad"',
                  reason: '',
                  localizedMessage: undefined,
                },
              ],
            }).finish(),
          ),
        },
        {
          typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo',
          value: Buffer.from(
            ErrorInfo.encode({ reason: 'INVALID_WORKFLOW_ID', domain: 'test', metadata: {} }).finish(),
          ),
        },
      ],
    }).finish();
    const metadata = new Metadata();
    metadata.set('grpc-status-details-bin', Buffer.from(st));
    return cb({ code: status.INVALID_ARGUMENT, details: 'bad workflow id', metadata });
  }
  const md = new Metadata();
  md.set('x-request-id', String(call.metadata.get('x-request-id')[0]));
  cb(null, { workflow: { ...version, workflowId }, properties: undefined }, md);
}

/** Sends `runId` messages, then ends OK, or fails when instanceId is "13", or never ends when "99". */
function watchInstance(call: ServerWritableStream<WatchInstanceRequest, WatchInstanceResponse>) {
  const ref = call.request.ref;
  const n = Number(ref?.runId ?? 0);
  for (let i = 1; i <= n; i++) {
    call.write({
      instance: undefined,
      changes: [{ time: new Date(0), stepId: `s${i}`, status: 'RUNNING', message: '' }],
    });
  }
  // emit('error'), not destroy(err): grpc-js sends no status at all for a destroyed server stream.
  if (ref?.instanceId === '13')
    call.emit('error', Object.assign(new Error('gone'), { code: status.NOT_FOUND, details: 'gone' }));
  else if (ref?.instanceId !== '99') call.end();
}

let server: Server;
let clients: BatonClients;

beforeAll(async () => {
  server = new Server();
  server.addService(DefinitionServiceService, { getWorkflow } as never);
  server.addService(SchedulerServiceService, { watchInstance } as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const addr = `127.0.0.1:${port}`;
  clients = connect({ addresses: { definition: addr, scheduler: addr }, timeoutMs: 2_000 });
});

afterAll(() => {
  clients.close();
  server.forceShutdown();
});

test('a unary call resolves with the decoded response and sends a fresh x-request-id', async () => {
  const res = await clients.definition.getWorkflow({ workflowId: 'demo.hello', version: 'latest' });
  assert.deepEqual(res.workflow, version);
  assert.match(seenRequestIds.get('demo.hello') ?? '', /^[0-9a-f-]{36}$/);
  await clients.definition.getWorkflow({ workflowId: 'demo.given' }, { requestId: 'my-req-1' });
  assert.equal(seenRequestIds.get('demo.given'), 'my-req-1');
});

test('a rich status becomes a BatonClientError with violations, reason and request id', async () => {
  await assert.rejects(
    clients.definition.getWorkflow({ workflowId: 'bad' }, { requestId: 'req-bad' }),
    (err: unknown) => {
      assert.ok(err instanceof BatonClientError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.equal(err.message, 'bad workflow id');
      assert.deepEqual(err.violations, [{ field: 'workflow_id', description: 'must not be "bad"' }]);
      assert.equal(err.reason, 'INVALID_WORKFLOW_ID');
      assert.equal(err.requestId, 'req-bad');
      assert.equal(err.method, '/baton.v1.DefinitionService/GetWorkflow');
      return true;
    },
  );
});

test('an unanswered call fails with DEADLINE_EXCEEDED within its deadline', async () => {
  const started = Date.now();
  await assert.rejects(clients.definition.getWorkflow({ workflowId: 'hang' }, { timeoutMs: 200 }), {
    code: 'DEADLINE_EXCEEDED',
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 150 && elapsed < 1_500, `took ${elapsed} ms`);
});

test('the client-wide deadline applies when the call sets none', async () => {
  const started = Date.now();
  await assert.rejects(clients.definition.getWorkflow({ workflowId: 'hang' }), { code: 'DEADLINE_EXCEEDED' });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1_800 && elapsed < 4_000, `took ${elapsed} ms`);
});

test('an aborted unary call rejects with CANCELLED', async () => {
  const ac = new AbortController();
  const pending = clients.definition.getWorkflow({ workflowId: 'hang' }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(pending, { code: 'CANCELLED' });
  await assert.rejects(clients.definition.getWorkflow({ workflowId: 'x' }, { signal: ac.signal }), {
    code: 'CANCELLED',
  });
});

test('methods the server lacks fail with UNIMPLEMENTED', async () => {
  await assert.rejects(clients.definition.listWorkflows({}), { code: 'UNIMPLEMENTED' });
});

test('a server stream is an async iterable that ends with the call', async () => {
  const steps: string[] = [];
  for await (const msg of clients.scheduler.watchInstance({
    ref: { workflowId: 'w', instanceId: '1', runId: '3' },
  })) {
    steps.push(msg.changes[0].stepId);
  }
  assert.deepEqual(steps, ['s1', 's2', 's3']);
});

test('a failing stream yields what arrived, then throws BatonClientError', async () => {
  const steps: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const msg of clients.scheduler.watchInstance({
        ref: { workflowId: 'w', instanceId: '13', runId: '2' },
      })) {
        steps.push(msg.changes[0].stepId);
      }
    })(),
    (err: unknown) => err instanceof BatonClientError && err.code === 'NOT_FOUND' && err.message === 'gone',
  );
  assert.deepEqual(steps, ['s1', 's2']);
});

test('an endless stream stops on abort (CANCELLED) and on break', async () => {
  const ac = new AbortController();
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const msg of clients.scheduler.watchInstance(
        { ref: { workflowId: 'w', instanceId: '99', runId: '1' } },
        { signal: ac.signal },
      )) {
        seen.push(msg.changes[0].stepId);
        ac.abort();
      }
    })(),
    { code: 'CANCELLED' },
  );
  assert.deepEqual(seen, ['s1']);
  for await (const _ of clients.scheduler.watchInstance({
    ref: { workflowId: 'w', instanceId: '99', runId: '2' },
  }))
    break;
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { Metadata, status } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, Status } from '@baton/proto';
import { BatonClientError, toClientError } from './errors';
import { decodeStatusDetails, STATUS_DETAILS_KEY } from './status-details';

function trailersWith(st: Status): Metadata {
  const md = new Metadata();
  md.set(STATUS_DETAILS_KEY, Buffer.from(Status.encode(st).finish()));
  return md;
}

const richStatus: Status = {
  code: status.INVALID_ARGUMENT,
  message: 'the definition has 2 problems',
  details: [
    {
      typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
      value: Buffer.from(
        BadRequest.encode({
          fieldViolations: [
            { field: 'workflow.id', description: 'is required', reason: '', localizedMessage: undefined },
            {
              field: 'workflow.steps[1].id',
              description: 'duplicates steps[0].id',
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
        ErrorInfo.encode({ reason: 'INVALID_DEFINITION', domain: 'definition.baton', metadata: {} }).finish(),
      ),
    },
  ],
};

test('decodes BadRequest violations and ErrorInfo reason from grpc-status-details-bin', () => {
  const d = decodeStatusDetails(trailersWith(richStatus));
  assert.equal(d.message, 'the definition has 2 problems');
  assert.deepEqual(d.violations, [
    { field: 'workflow.id', description: 'is required' },
    { field: 'workflow.steps[1].id', description: 'duplicates steps[0].id' },
  ]);
  assert.equal(d.reason, 'INVALID_DEFINITION');
  assert.equal(d.domain, 'definition.baton');
});

test('a grpc-js ServiceError becomes a BatonClientError with code name and details', () => {
  const serviceError = Object.assign(new Error('3 INVALID_ARGUMENT: the definition has 2 problems'), {
    code: status.INVALID_ARGUMENT,
    details: 'the definition has 2 problems',
    metadata: trailersWith(richStatus),
  });
  const err = toClientError(serviceError, {
    requestId: 'req-1',
    method: '/baton.v1.DefinitionService/PushWorkflow',
  });
  assert.ok(err instanceof BatonClientError);
  assert.equal(err.code, 'INVALID_ARGUMENT');
  assert.equal(err.message, 'the definition has 2 problems');
  assert.equal(err.violations.length, 2);
  assert.equal(err.reason, 'INVALID_DEFINITION');
  assert.equal(err.requestId, 'req-1');
  assert.deepEqual(JSON.parse(JSON.stringify(err)), {
    code: 'INVALID_ARGUMENT',
    message: 'the definition has 2 problems',
    violations: err.violations,
    reason: 'INVALID_DEFINITION',
    requestId: 'req-1',
    method: '/baton.v1.DefinitionService/PushWorkflow',
  });
});

test('missing, corrupt or foreign details leave code and message intact', () => {
  const corrupt = new Metadata();
  corrupt.set(STATUS_DETAILS_KEY, Buffer.from([0xff, 0xff, 0xff]));
  for (const metadata of [new Metadata(), corrupt, undefined]) {
    const err = toClientError({ code: status.NOT_FOUND, details: 'no workflow demo.x', metadata });
    assert.equal(err.code, 'NOT_FOUND');
    assert.equal(err.message, 'no workflow demo.x');
    assert.deepEqual(err.violations, []);
    assert.equal(err.reason, undefined);
  }
  const foreign = decodeStatusDetails(
    trailersWith({
      code: 5,
      message: 'm',
      details: [{ typeUrl: 'type.googleapis.com/x.Y', value: Buffer.from([1]) }],
    }),
  );
  assert.deepEqual(foreign.violations, []);
});

test('a server-echoed x-request-id wins; non-gRPC errors become UNKNOWN', () => {
  const md = new Metadata();
  md.set('x-request-id', 'from-server');
  assert.equal(
    toClientError({ code: 14, details: 'down', metadata: md }, { requestId: 'mine' }).requestId,
    'from-server',
  );
  const plain = toClientError(new TypeError('boom'), { requestId: 'r' });
  assert.equal(plain.code, 'UNKNOWN');
  assert.equal(plain.message, 'boom');
  assert.equal(toClientError({ code: 99, details: 'odd' }).code, 'UNKNOWN');
});

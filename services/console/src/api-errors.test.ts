import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { BatonClientError, type StatusCodeName } from '@baton/sdk';
import { apiError, httpStatusOf, toApiError, withoutTransportDetail } from './api-errors';

describe('httpStatusOf', () => {
  test('each gRPC code maps to the HTTP status a browser and a proxy understand', () => {
    const expected: [StatusCodeName, number][] = [
      ['INVALID_ARGUMENT', 400],
      ['FAILED_PRECONDITION', 400],
      ['OUT_OF_RANGE', 400],
      ['UNAUTHENTICATED', 401],
      ['PERMISSION_DENIED', 403],
      ['NOT_FOUND', 404],
      ['ALREADY_EXISTS', 409],
      ['ABORTED', 409],
      ['RESOURCE_EXHAUSTED', 429],
      ['CANCELLED', 499],
      ['UNIMPLEMENTED', 501],
      ['UNAVAILABLE', 503],
      ['DEADLINE_EXCEEDED', 504],
      ['INTERNAL', 500],
      ['UNKNOWN', 500],
      ['DATA_LOSS', 500],
    ];
    for (const [code, status] of expected) assert.equal(httpStatusOf(code), status, code);
  });
});

describe('toApiError', () => {
  test("a service's error keeps its code, words, every violation, reason and request id", () => {
    const err = new BatonClientError('INVALID_ARGUMENT', 'invalid workflow definition', {
      violations: [
        { field: 'workflow.steps[0].step.type', description: 'unknown step type Bogus' },
        { field: 'workflow.steps[0].step.colour', description: 'unknown field' },
      ],
      reason: 'INVALID_DEFINITION',
      requestId: 'r-1',
      method: '/baton.v1.DefinitionService/PushWorkflow',
    });
    assert.deepEqual(toApiError(err, 'definition'), {
      code: 'INVALID_ARGUMENT',
      message: 'invalid workflow definition',
      violations: err.violations,
      reason: 'INVALID_DEFINITION',
      requestId: 'r-1',
    });
  });

  test('anything else is INTERNAL with no detail (no stack, no message)', () => {
    const e = toApiError(new Error('ECONNREFUSED 10.0.0.7:27017 at /app/x.js'));
    assert.deepEqual(e, {
      code: 'INTERNAL',
      message: 'the console failed to handle the request',
      violations: [],
    });
    assert.equal(toApiError('a string').code, 'INTERNAL');
  });

  test("grpc-js' own UNAVAILABLE names the service, not grpc-js' text or the address", () => {
    const cases: [string, string, string][] = [
      [
        'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:7401. Resolution note: ',
        'connection refused',
        'CONNECTION_REFUSED',
      ],
      ['Name resolution failed for target dns:nowhere.invalid:7402', 'host not found', 'HOST_NOT_FOUND'],
      [
        'No connection established. Last error: Error: write EPROTO ... wrong version number',
        "TLS handshake failed (check the console's BATON_TLS / BATON_TLS_CA)",
        'TLS_FAILED',
      ],
      ['No connection established. Last error: null', 'the service is unavailable', 'UNAVAILABLE'],
    ];
    for (const [raw, words, reason] of cases) {
      const e = toApiError(new BatonClientError('UNAVAILABLE', raw, { requestId: 'r-2' }), 'stepRuntime');
      assert.equal(e.code, 'UNAVAILABLE');
      assert.equal(e.message, `the console cannot reach the step-runtime service: ${words}`);
      assert.equal(e.reason, reason);
      assert.equal(e.requestId, 'r-2');
      assert.doesNotMatch(JSON.stringify(e), /127\.0\.0\.1|No connection established|nowhere\.invalid/);
    }
  });

  test("a service's own UNAVAILABLE keeps its words, but not grpc-js' about its peer", () => {
    const quoted = new BatonClientError(
      'UNAVAILABLE',
      'definition service: No connection established. Last error: connect ECONNREFUSED 10.1.2.3:7411',
    );
    const e = toApiError(quoted, 'scheduler');
    assert.equal(e.message, 'definition service: connection refused');
    assert.doesNotMatch(e.message, /10\.1\.2\.3/);
    const plain = new BatonClientError('UNAVAILABLE', 'the scheduler is draining', { reason: 'DRAINING' });
    assert.deepEqual(toApiError(plain, 'scheduler'), {
      code: 'UNAVAILABLE',
      message: 'the scheduler is draining',
      violations: [],
      reason: 'DRAINING',
    });
  });

  test('apiError builds the same shape for errors the console makes itself', () => {
    assert.deepEqual(apiError('NOT_FOUND', 'no such API', [{ field: 'path', description: 'x' }]), {
      code: 'NOT_FOUND',
      message: 'no such API',
      violations: [{ field: 'path', description: 'x' }],
    });
  });
});

describe('withoutTransportDetail', () => {
  test("grpc-js' diagnostics and the peer's address are cut, the service's words kept", () => {
    assert.equal(
      withoutTransportDetail(
        'Deadline exceeded after 10.001s,name resolution: 0.001s,metadata filters: 0s,LB pick: 0.002s,remote_addr=10.0.3.7:7402',
      ),
      'Deadline exceeded after 10.001s',
    );
    assert.equal(withoutTransportDetail('workflow a,b not found'), 'workflow a,b not found');
  });
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { BatonClientError } from './errors';
import { DEFAULT_RETRY, backoffMs, mayRetry } from './retry-policy';

const unavailable = (message = 'Connection dropped') => new BatonClientError('UNAVAILABLE', message);

test('reads, idempotent writes and requests with a requestId are retried on UNAVAILABLE', () => {
  assert.ok(mayRetry('/baton.v1.DefinitionService/GetWorkflow', {}, unavailable()));
  assert.ok(mayRetry('/baton.v1.SchedulerService/ListInstances', {}, unavailable()));
  assert.ok(mayRetry('/baton.v1.DefinitionService/PushWorkflow', {}, unavailable()));
  assert.ok(mayRetry('/baton.v1.SchedulerService/StartWorkflow', { requestId: 'r1' }, unavailable()));
  assert.ok(mayRetry('/baton.v1.SignalService/PublishSignal', { requestId: 'p' }, unavailable()));
});

test('a start or publish without a requestId is retried only if it never left', () => {
  assert.ok(!mayRetry('/baton.v1.SchedulerService/StartWorkflow', { requestId: '' }, unavailable()));
  assert.ok(!mayRetry('/baton.v1.SignalService/PublishSignal', {}, unavailable('Connection dropped')));
  const neverSent = unavailable('No connection established. Last error: connect ECONNREFUSED 127.0.0.1:7402');
  assert.ok(mayRetry('/baton.v1.SchedulerService/StartWorkflow', {}, neverSent));
  // A server's UNAVAILABLE that quotes a connection error of its own did reach the server.
  const relayed = unavailable('definition service: No connection established. Last error: ECONNREFUSED');
  assert.ok(!mayRetry('/baton.v1.SchedulerService/StartWorkflow', {}, relayed));
  assert.ok(
    !mayRetry(
      '/baton.v1.DefinitionService/DeleteWorkflow',
      {},
      unavailable('stored, but: connect ECONNREFUSED'),
    ),
  );
});

test('other codes are never retried', () => {
  for (const code of ['INVALID_ARGUMENT', 'NOT_FOUND', 'DEADLINE_EXCEEDED', 'INTERNAL'] as const)
    assert.ok(!mayRetry('/baton.v1.DefinitionService/GetWorkflow', {}, new BatonClientError(code, 'x')));
});

test('backoff doubles from 100 ms to at most 2 s, jittered ±20%', () => {
  const mid = () => 0.5;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, DEFAULT_RETRY, mid)),
    [100, 200, 400, 800, 1600, 2000],
  );
  assert.equal(
    backoffMs(1, DEFAULT_RETRY, () => 0),
    80,
  );
  assert.equal(
    backoffMs(1, DEFAULT_RETRY, () => 1),
    120,
  );
});

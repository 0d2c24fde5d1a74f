import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { BatonError } from '../errors';
import { PERMISSIONS, authorize } from './permissions';
import { type Principal, parseGrant } from './principal';
import { RateLimiter } from './rate-limit';

const who = (...grants: string[]): Principal => ({
  name: 'p',
  kind: 'token',
  grants: grants.map((g) => parseGrant(g) as never),
});

describe('grants and the permission table (pure)', () => {
  test('parseGrant: role, role:prefix, * for everywhere; bad ones named', () => {
    assert.deepEqual(parseGrant('admin'), { role: 'admin', prefix: '' });
    assert.deepEqual(parseGrant('operator:etl.'), { role: 'operator', prefix: 'etl.' });
    assert.deepEqual(parseGrant('viewer:*'), { role: 'viewer', prefix: '' });
    assert.match(parseGrant('root') as string, /unknown role/);
    assert.match(parseGrant('viewer:a b') as string, /characters/);
  });

  test('authorize: roles nest, prefixes scope, untargeted lists need a global grant', () => {
    const start = PERMISSIONS['/baton.v1.SchedulerService/StartWorkflow']!;
    assert.equal(authorize(who('operator:etl.'), start, { workflowId: 'etl.daily' }).allowed, true);
    assert.equal(authorize(who('admin:etl.'), start, { workflowId: 'etl.daily' }).allowed, true);
    const denied = authorize(who('viewer', 'operator:etl.'), start, { workflowId: 'ml.train' });
    assert.equal(denied.allowed, false);
    assert.equal(denied.missing, 'operator on "ml.train"');
    const list = PERMISSIONS['/baton.v1.DefinitionService/ListWorkflows']!;
    assert.equal(authorize(who('viewer:etl.'), list, {}).allowed, false);
    assert.equal(authorize(who('viewer:etl.'), list, { idPrefix: 'etl.d' }).allowed, true);
    assert.equal(authorize(who('viewer:etl.'), list, { idPrefix: 'e' }).allowed, false);
    assert.equal(authorize(who('viewer'), list, {}).allowed, true);
    const push = PERMISSIONS['/baton.v1.DefinitionService/PushWorkflow']!;
    const def = (id: string) => ({ definitionJson: JSON.stringify({ workflow: { id } }) });
    assert.equal(authorize(who('admin:etl.'), push, def('etl.x')).allowed, true);
    assert.equal(authorize(who('admin:etl.'), push, def('ml.x')).allowed, false);
    assert.equal(authorize(who('operator'), push, def('etl.x')).allowed, false);
    // Unreadable JSON: the handler refuses it; any admin grant lets it reach the handler.
    assert.equal(authorize(who('admin:etl.'), push, { definitionJson: '{' }).allowed, true);
    const cancel = PERMISSIONS['/baton.v1.StepRuntimeService/CancelAttempt']!;
    assert.equal(authorize(who('operator:etl.'), cancel, { attemptKey: 'ml.x:1:1:a:1' }).allowed, false);
  });
});

describe('rate limiter (pure, on a fake clock)', () => {
  test('a burst, then perSecond, then RESOURCE_EXHAUSTED with a retry delay', () => {
    let now = 0;
    const rl = new RateLimiter(10, 20, () => now);
    for (let i = 0; i < 20; i++) rl.take('a');
    let err: unknown;
    try {
      rl.take('a');
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof BatonError);
    assert.equal(err.code, 'RESOURCE_EXHAUSTED');
    assert.ok(err.retryAfterMs! > 0 && err.retryAfterMs! <= 100);
    rl.take('b'); // another principal has its own bucket
    now += 100; // one call refilled
    rl.take('a');
    assert.throws(() => rl.take('a'), /rate limit/);
    assert.equal(new RateLimiter(0, 0).enabled, false);
  });
});

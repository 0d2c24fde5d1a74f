import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { redisUrl } from './config';
import { MAX_CLUSTER_SEEDS, hashTagOf, parseClusterUrl } from './redis-client';

describe('Redis Cluster URLs and hash tags', () => {
  test('a redis+cluster:// URL names its seed nodes and credentials; any other URL is one Redis', () => {
    assert.deepEqual(parseClusterUrl('redis+cluster://:p%40ss@10.0.0.1:6379,redis-1.db:6380,[::1]:7000/'), {
      nodes: [
        { host: '10.0.0.1', port: 6379 },
        { host: 'redis-1.db', port: 6380 },
        { host: '::1', port: 7000 },
      ],
      password: 'p@ss',
      tls: false,
    });
    assert.deepEqual(parseClusterUrl('rediss+cluster://baton:pw@h:1'), {
      nodes: [{ host: 'h', port: 1 }],
      username: 'baton',
      password: 'pw',
      tls: true,
    });
    assert.equal(parseClusterUrl('redis://127.0.0.1:6380'), undefined);
    assert.equal(parseClusterUrl('rediss://:pw@h:6380/2'), undefined);
  });

  test('a bad cluster URL is refused at start-up, naming what is wrong', () => {
    for (const bad of [
      'redis+cluster://',
      'redis+cluster://h',
      'redis+cluster://h:0',
      'redis+cluster://h:65536',
      'redis+cluster://h:1,,h:2',
      'redis+cluster://h:1;rm -rf /',
      `redis+cluster://${Array.from({ length: MAX_CLUSTER_SEEDS + 1 }, (_, i) => `h:${i + 1}`).join(',')}`,
    ])
      assert.match(redisUrl(bad) ?? 'accepted', /^bad redis\+cluster:\/\/ URL/, bad);
    assert.equal(redisUrl('redis+cluster://a:1,b:2'), undefined);
    assert.equal(redisUrl('redis://a:1'), undefined);
    assert.match(redisUrl('http://a:1') ?? '', /expected a redis:\/\/ or redis\+cluster:\/\/ URL/);
  });

  test('the hash tag is the first non-empty {…}, else the whole key', () => {
    assert.equal(hashTagOf('{baton:run:wf:1:1}:pending'), 'baton:run:wf:1:1');
    assert.equal(hashTagOf('{baton}:ready'), 'baton');
    assert.equal(hashTagOf('plain'), 'plain');
    assert.equal(hashTagOf('{}x{y}'), '{}x{y}');
    assert.equal(hashTagOf('a{b}{c}'), 'b');
    assert.equal(hashTagOf('{open'), '{open');
  });
});

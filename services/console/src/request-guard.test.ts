import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from '@jest/globals';
import {
  authorizationOf,
  crossOrigin,
  crossSiteApiFetch,
  hostAllowed,
  hostNameOf,
  hostPolicy,
} from './request-guard';

/** Only the headers the guards read: they never touch anything else of the request. */
const req = (headers: Record<string, string | undefined>) => ({ headers }) as unknown as IncomingMessage;

describe('hostNameOf', () => {
  test('the name without its port, lower-cased', () => {
    assert.equal(hostNameOf('localhost:7400'), 'localhost');
    assert.equal(hostNameOf('Console.Example.COM'), 'console.example.com');
    assert.equal(hostNameOf('127.0.0.1:7400'), '127.0.0.1');
    assert.equal(hostNameOf('[::1]:7400'), '[::1]');
    assert.equal(hostNameOf('[::1]'), '[::1]');
  });

  test('malformed headers are no name at all', () => {
    for (const bad of [
      undefined,
      '',
      'evil.com:7400:1',
      'a b',
      'user@host',
      'host:port',
      'host:123456',
      'host/path',
      '::1',
      `${'a'.repeat(256)}`,
      'evil.com\r\nx: y',
    ])
      assert.equal(hostNameOf(bad), undefined, JSON.stringify(bad));
  });
});

describe('hostPolicy and hostAllowed', () => {
  test('loopback names and the bind address by default; others only when listed', () => {
    const policy = hostPolicy('', '127.0.0.1');
    assert.equal(policy.any, false);
    assert.deepEqual([...policy.names].sort(), ['127.0.0.1', '[::1]', 'localhost']);
    assert.equal(hostAllowed(req({ host: 'localhost:7400' }), policy), true);
    assert.equal(hostAllowed(req({ host: '[::1]:7400' }), policy), true);
    // DNS rebinding: a name the attacker controls that resolves to 127.0.0.1.
    assert.equal(hostAllowed(req({ host: 'rebind.attacker.example:7400' }), policy), false);
    assert.equal(hostAllowed(req({}), policy), false);
  });

  test('BATON_CONSOLE_HOSTS adds names (trimmed, lower-cased); * allows any well-formed name', () => {
    const policy = hostPolicy(' Console.Example.com , baton-console,, ', '0.0.0.0');
    assert.equal(policy.names.has('console.example.com'), true);
    assert.equal(policy.names.has('baton-console'), true);
    assert.equal(policy.names.has('0.0.0.0'), false, 'a wildcard bind address is no host name');
    assert.equal(hostAllowed(req({ host: 'baton-console:7400' }), policy), true);
    assert.equal(hostAllowed(req({ host: 'other:7400' }), policy), false);
    const any = hostPolicy('*', '127.0.0.1');
    assert.equal(any.any, true);
    assert.equal(hostAllowed(req({ host: 'anything.example' }), any), true);
    assert.equal(hostAllowed(req({ host: 'bad host' }), any), false, 'still only well-formed names');
  });

  test('an IPv6 bind address is added in brackets, as Host headers carry it', () => {
    assert.equal(hostPolicy('', '::1').names.has('[::1]'), true);
    assert.equal(hostPolicy('', 'fd00::5').names.has('[fd00::5]'), true);
    assert.equal(hostPolicy('', '::').names.has('[::]'), false);
  });
});

describe('crossOrigin', () => {
  test('no Origin header (same-origin GETs, curl) is not cross-origin', () => {
    assert.equal(crossOrigin(req({ host: 'localhost:7400' })), false);
  });

  test('the same host and port is same-origin', () => {
    assert.equal(crossOrigin(req({ host: 'localhost:7400', origin: 'http://localhost:7400' })), false);
    assert.equal(crossOrigin(req({ host: 'LOCALHOST:7400', origin: 'http://localhost:7400' })), false);
  });

  test('another host, another port, null and garbage origins are cross-origin', () => {
    for (const origin of [
      'http://evil.example',
      'http://localhost:7401',
      'http://127.0.0.1:7400',
      'null',
      'not a url',
      '',
    ])
      assert.equal(crossOrigin(req({ host: 'localhost:7400', origin })), true, origin);
  });
});

describe('authorizationOf', () => {
  test("the browser's own header, or nothing", () => {
    assert.equal(authorizationOf(req({ authorization: 'Bearer abc' })), 'Bearer abc');
    assert.equal(authorizationOf(req({ authorization: '' })), undefined);
    assert.equal(authorizationOf(req({})), undefined);
  });
});

describe('crossSiteApiFetch', () => {
  test("a browser's fetch for another site is refused; same-origin, typed URLs and non-browsers pass", () => {
    assert.equal(crossSiteApiFetch(req({ 'sec-fetch-site': 'cross-site' })), true);
    assert.equal(crossSiteApiFetch(req({ 'sec-fetch-site': 'same-site' })), true);
    assert.equal(crossSiteApiFetch(req({ 'sec-fetch-site': 'same-origin' })), false);
    assert.equal(crossSiteApiFetch(req({ 'sec-fetch-site': 'none' })), false);
    assert.equal(crossSiteApiFetch(req({})), false);
  });
});

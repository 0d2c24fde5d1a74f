import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { NOTHING_ALLOWED, parseAllowList, refusal } from './address-guard';

test('private, loopback, link-local and reserved addresses are refused by default', () => {
  for (const a of [
    '127.0.0.1',
    '127.9.9.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1', // the same, in hex
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
  ]) {
    assert.match(refusal('h', a, NOTHING_ALLOWED) ?? '', /BATON_HTTP_ALLOW/, a);
  }
});

test('public addresses pass', () => {
  for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(refusal('h', a, NOTHING_ALLOWED), undefined, a);
  }
});

test('BATON_HTTP_ALLOW lets listed hosts, addresses and networks through', () => {
  const allow = parseAllowList('127.0.0.1, 10.0.0.0/8, db.internal, ::1');
  assert.ok(typeof allow !== 'string');
  assert.equal(refusal('127.0.0.1', '127.0.0.1', allow), undefined);
  assert.equal(refusal('x', '10.9.8.7', allow), undefined);
  assert.equal(refusal('DB.internal', '192.168.5.5', allow), undefined);
  assert.equal(refusal('x', '::1', allow), undefined);
  assert.equal(refusal('localhost', '::ffff:127.0.0.1', allow), undefined);
  assert.ok(refusal('x', '127.0.0.2', allow));
  assert.ok(refusal('x', '192.168.5.5', allow));
});

test('a bad BATON_HTTP_ALLOW entry is named', () => {
  assert.match(String(parseAllowList('10.0.0.0/33')), /'10\.0\.0\.0\/33' is not a valid CIDR/);
  assert.match(String(parseAllowList('a b')), /'a b' is neither/);
  assert.ok(typeof parseAllowList('') !== 'string');
});

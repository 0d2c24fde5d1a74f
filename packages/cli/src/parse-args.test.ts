import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { CliUsageError } from './cli-errors';
import { connectOptionsFrom } from './global-options';
import { parseDuration, parseInstant, parsePositiveInt, parseVersionSelector } from './parse-args';

test('durations: ms, s, m, bare seconds', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1.5'), 1_500);
  for (const bad of ['', '0', '-1s', '10h', 'soon']) assert.throws(() => parseDuration(bad), CliUsageError);
});

test('positive integers and version selectors', () => {
  assert.equal(parsePositiveInt('25', '--limit', 1000), 25);
  for (const bad of ['0', '1001', '2.5', 'x', '-3'])
    assert.throws(() => parsePositiveInt(bad, '--limit', 1000), CliUsageError);
  assert.equal(parseVersionSelector('LATEST', ['latest', 'active']), 'latest');
  assert.equal(parseVersionSelector('12', ['latest']), '12');
  for (const bad of ['0', '01', 'active', 'v2'])
    assert.throws(() => parseVersionSelector(bad, ['latest']), CliUsageError);
});

test('addresses: own flag, then --addr (host and base port), then the SDK fallbacks', () => {
  assert.deepEqual(connectOptionsFrom({}, {}).addresses, {});
  assert.deepEqual(connectOptionsFrom({ addr: 'box' }, {}).addresses, {
    definition: 'box:7401',
    scheduler: 'box:7402',
    stepRuntime: 'box:7403',
    signal: 'box:7404',
  });
  assert.deepEqual(connectOptionsFrom({ addr: '10.0.0.5:9000', schedulerAddr: 'sched:1' }, {}).addresses, {
    definition: '10.0.0.5:9000',
    scheduler: 'sched:1',
    stepRuntime: '10.0.0.5:9002',
    signal: '10.0.0.5:9003',
  });
  assert.equal(connectOptionsFrom({ timeout: '250ms' }, {}).timeoutMs, 250);
  assert.equal(connectOptionsFrom({}, {}).timeoutMs, 10_000);
  assert.throws(() => connectOptionsFrom({ addr: 'a:b:c' }, {}), CliUsageError);
});

test('instants: a bare date or time is UTC; Z and offsets are honoured', () => {
  const iso = (text: string) => parseInstant(text, '--from').toISOString();
  assert.equal(iso('2024-01-01'), '2024-01-01T00:00:00.000Z');
  assert.equal(iso('2024-01-01T05:00'), '2024-01-01T05:00:00.000Z');
  assert.equal(iso('2024-01-01 05:00:30'), '2024-01-01T05:00:30.000Z');
  assert.equal(iso('2024-01-01T05:00:30.25Z'), '2024-01-01T05:00:30.250Z');
  assert.equal(iso('2024-03-10T03:00:00-07:00'), '2024-03-10T10:00:00.000Z');
  assert.equal(iso('2024-03-10T03:00+0530'), '2024-03-09T21:30:00.000Z');
  assert.equal(iso('2024-02-29'), '2024-02-29T00:00:00.000Z');
  for (const bad of [
    '',
    'yesterday',
    '2024-1-1',
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '2024-01-01T24:00',
    '2024-01-01T05:60',
    '2024-01-01Z',
    '2024-01-01T05:00+25:00',
    '20240101',
  ]) {
    assert.throws(() => parseInstant(bad, '--from'), CliUsageError, bad);
  }
  assert.throws(() => parseInstant('soon', '--to'), /--to: expected a date \(2024-01-01, UTC\)/);
});

import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { allHold, compareValues, filterHolds } from './param-filter';

test('LONG compares numerically, STRING lexicographically, mixed types never match', () => {
  const cases: [bigint | string, bigint | string, number | undefined][] = [
    [9n, 10n, -1],
    [10n, 9n, 1],
    [2n ** 62n, 2n ** 62n, 0],
    ['9', '10', 1],
    ['a', 'b', -1],
    ['10', 10n, undefined],
  ];
  for (const [a, b, want] of cases) assert.equal(compareValues(a, b), want, `${a} vs ${b}`);
});

test('each operator, and a missing param fails', () => {
  const p = { date: 20240105n, region: 'eu' };
  const rows: [string, '=' | '>' | '>=' | '<' | '<=', bigint | string, boolean][] = [
    ['date', '=', 20240105n, true],
    ['date', '>', 20240105n, false],
    ['date', '>=', 20240105n, true],
    ['date', '<', 20240106n, true],
    ['date', '<=', 20240104n, false],
    ['region', '=', 'eu', true],
    ['region', '>', 'ap', true],
    ['missing', '=', 'x', false],
    ['date', '=', '20240105', false],
  ];
  for (const [param, operator, value, want] of rows)
    assert.equal(filterHolds(p, { param, operator, value }), want, `${param} ${operator} ${value}`);
  assert.equal(allHold(p, []), true);
  assert.equal(
    allHold(p, [
      { param: 'date', operator: '>=', value: 20240101n },
      { param: 'region', operator: '=', value: 'us' },
    ]),
    false,
  );
});

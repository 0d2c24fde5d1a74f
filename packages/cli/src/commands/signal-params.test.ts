import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { CliUsageError } from '../cli-errors';
import { parseSignalParams, parseWhere } from './signal-params';

const long = (value: string) => ({ kind: { $case: 'longValue', value } });
const str = (value: string) => ({ kind: { $case: 'stringValue', value } });

test('signal --param: LONG and STRING inferred as for runs, or named', () => {
  assert.deepEqual(parseSignalParams(['date=20240101', 'table=abc', 'id:STRING=007', 'n:long=5', 's=']), {
    date: long('20240101'),
    table: str('abc'),
    id: str('007'),
    n: long('5'),
    s: str(''),
  });
  assert.deepEqual(parseSignalParams(['day=2024-01-01', 'q=a=b']), { day: str('2024-01-01'), q: str('a=b') });
  assert.deepEqual(parseSignalParams(), {});
});

test('signal --param: any other type is a usage error naming the param', () => {
  const cases: Array<[string, RegExp]> = [
    [
      'ratio=0.5',
      /--param ratio: signal params are STRING or LONG, "0\.5" reads as DOUBLE; write ratio:STRING=0\.5/,
    ],
    ['ok=true', /--param ok: .*reads as BOOLEAN/],
    ['x:DOUBLE=1', /--param x: signal params are STRING or LONG, DOUBLE was named/],
    ['x:FLOAT=1', /--param x: unknown type "FLOAT"/],
    ['n=99999999999999999999', /--param n: .*does not fit in a LONG.*write n:STRING=99999999999999999999/],
    ['n:LONG=abc', /--param/],
    ['novalue', /--param: expected name=value/],
  ];
  for (const [arg, message] of cases) {
    assert.throws(() => parseSignalParams([arg]), CliUsageError, arg);
    assert.throws(() => parseSignalParams([arg]), message, arg);
  }
  assert.throws(() => parseSignalParams(['a=1', 'a=2']), /--param a is given twice/);
});

test('--where: the longest operator first, the value typed like --param', () => {
  assert.deepEqual(parseWhere('date>=20240101'), { param: 'date', operator: '>=', value: long('20240101') });
  assert.deepEqual(parseWhere('date<=5'), { param: 'date', operator: '<=', value: long('5') });
  assert.deepEqual(parseWhere('date>5'), { param: 'date', operator: '>', value: long('5') });
  assert.deepEqual(parseWhere('date<5'), { param: 'date', operator: '<', value: long('5') });
  assert.deepEqual(parseWhere('region=eu'), { param: 'region', operator: '=', value: str('eu') });
  assert.deepEqual(parseWhere('id:STRING>=007'), { param: 'id', operator: '>=', value: str('007') });
  assert.deepEqual(parseWhere('path=a>b'), { param: 'path', operator: '=', value: str('a>b') });
  assert.deepEqual(parseWhere('s='), { param: 's', operator: '=', value: str('') });
});

test('--where: a missing operator, an empty name, a doubled operator or a bad type are usage errors', () => {
  for (const bad of ['date', '>=5', 'a b=1', 'date==5', 'date=>5', 'date<>5', 'x=0.5', 'x:BOOLEAN=true']) {
    assert.throws(() => parseWhere(bad), CliUsageError, bad);
  }
  assert.throws(() => parseWhere('date'), /--where: expected name OP value with OP one of >= <= = > </);
  assert.throws(() => parseWhere('x>0.5'), /--where x: signal params are STRING or LONG/);
});

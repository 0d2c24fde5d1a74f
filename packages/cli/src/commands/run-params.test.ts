import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { CliUsageError } from '../cli-errors';
import { inferScalarType, parseJsonParam, parseRunParams, parseScalarParam } from './run-params';

test('--param infers BOOLEAN, LONG, DOUBLE and STRING from the text', () => {
  const cases: Array<[string, string]> = [
    ['true', 'BOOLEAN'],
    ['FALSE', 'BOOLEAN'],
    ['0', 'LONG'],
    ['42', 'LONG'],
    ['-7', 'LONG'],
    ['+3', 'LONG'],
    ['0.5', 'DOUBLE'],
    ['-1.25', 'DOUBLE'],
    ['1e3', 'DOUBLE'],
    ['.5', 'DOUBLE'],
    ['007', 'STRING'],
    ['1_000', 'STRING'],
    ['NaN', 'STRING'],
    ['Infinity', 'STRING'],
    ['', 'STRING'],
    ['yes', 'STRING'],
    ['2025-01-02', 'STRING'],
    [' 1', 'STRING'],
  ];
  for (const [text, type] of cases) assert.equal(inferScalarType(text), type, JSON.stringify(text));
});

test('--param values become ParamValues of the inferred or named type', () => {
  assert.deepEqual(parseScalarParam('n=42'), ['n', { kind: { $case: 'longValue', value: '42' } }]);
  assert.deepEqual(parseScalarParam('big=9223372036854775807'), [
    'big',
    { kind: { $case: 'longValue', value: '9223372036854775807' } },
  ]);
  assert.deepEqual(parseScalarParam('r=0.25'), ['r', { kind: { $case: 'doubleValue', value: 0.25 } }]);
  assert.deepEqual(parseScalarParam('ok=True'), ['ok', { kind: { $case: 'booleanValue', value: true } }]);
  assert.deepEqual(parseScalarParam('s=a=b'), ['s', { kind: { $case: 'stringValue', value: 'a=b' } }]);
  assert.deepEqual(parseScalarParam('empty='), ['empty', { kind: { $case: 'stringValue', value: '' } }]);
  assert.deepEqual(parseScalarParam('id:STRING=42'), ['id', { kind: { $case: 'stringValue', value: '42' } }]);
  assert.deepEqual(parseScalarParam('x:double=1'), ['x', { kind: { $case: 'doubleValue', value: 1 } }]);
  assert.deepEqual(parseScalarParam('ts:STRING=12:30'), [
    'ts',
    { kind: { $case: 'stringValue', value: '12:30' } },
  ]);
});

test('--param-json takes arrays and maps; JSON integers are LONGs', () => {
  assert.deepEqual(parseJsonParam('xs=[1,2,3]'), [
    'xs',
    { kind: { $case: 'longArray', value: { values: ['1', '2', '3'] } } },
  ]);
  assert.deepEqual(parseJsonParam('names=["a","b"]'), [
    'names',
    { kind: { $case: 'stringArray', value: { values: ['a', 'b'] } } },
  ]);
  assert.deepEqual(parseJsonParam('m={"k":"v"}'), [
    'm',
    { kind: { $case: 'stringMap', value: { values: { k: 'v' } } } },
  ]);
  assert.deepEqual(parseJsonParam('m={"k":1,"l":[true]}'), [
    'm',
    { kind: { $case: 'mapValue', value: { k: 1, l: [true] } } },
  ]);
  assert.deepEqual(parseJsonParam('d:DOUBLE_ARRAY=[1,2]'), [
    'd',
    { kind: { $case: 'doubleArray', value: { values: [1, 2] } } },
  ]);
  assert.deepEqual(parseJsonParam('n=5'), ['n', { kind: { $case: 'longValue', value: '5' } }]);
});

test('bad syntax, bad JSON, bad types and repeated names are usage errors', () => {
  const bad: Array<() => unknown> = [
    () => parseScalarParam('novalue'),
    () => parseScalarParam('=1'),
    () => parseScalarParam('a b=1'),
    () => parseScalarParam('n:FLOAT=1'),
    () => parseScalarParam('n:LONG=abc'),
    () => parseScalarParam('n:BOOLEAN=maybe'),
    () => parseScalarParam('n=99999999999999999999'),
    () => parseJsonParam('xs=[1,'),
    () => parseJsonParam('xs=null'),
    () => parseJsonParam('xs=[1,"a"]'),
    () => parseJsonParam('xs:MAP=[1]'),
    () => parseRunParams(['a=1'], ['a=[1]']),
    () => parseRunParams(['a=1', 'a=2']),
  ];
  for (const f of bad) assert.throws(f, CliUsageError, f.toString());
  assert.throws(() => parseScalarParam('novalue'), /--param: expected name=value/);
  assert.throws(() => parseScalarParam('n=99999999999999999999'), /n:STRING=/);
});

test('parseRunParams merges both flags', () => {
  assert.deepEqual(Object.keys(parseRunParams(['a=1', 'b=x'], ['c=[1]'])), ['a', 'b', 'c']);
  assert.deepEqual(parseRunParams(), {});
});

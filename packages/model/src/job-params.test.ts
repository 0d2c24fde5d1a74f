import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { invalid, pushText, valid } from '../test/test-support';

const str = (value: unknown) => ({ type: 'STRING', value });
const step = (type: string, params: unknown) => ({ step: { id: 'a', type, params } });
const http = (value: Record<string, unknown>) => step('Http', { http: { type: 'MAP', value } });
const sql = (value: Record<string, unknown>) => step('SQL', { sql: { type: 'MAP', value } });

test('valid Http and SQL steps pass, computed values are left for run time', () => {
  valid(pushText([http({ url: str('https://api.example.com/v1'), method: str('post') })]));
  valid(pushText([http({ url: str('${base}/x') })]));
  valid(pushText([http({ url: { type: 'STRING', expression: 'params.base' } })]));
  valid(
    pushText([
      sql({ connection: str('warehouse'), statements: { type: 'STRING_ARRAY', value: ['SELECT 1'] } }),
    ]),
  );
  valid(
    pushText([
      sql({ connection: str('warehouse'), statements: str('SELECT :x'), bind: { type: 'MAP', value: {} } }),
    ]),
  );
});

test('bad Http and SQL params are rejected at push with their JSON path', () => {
  const fields = (steps: unknown[]) => invalid(pushText(steps)).map((v) => `${v.field}: ${v.description}`);
  assert.deepEqual(fields([step('Http', {})]), [
    'workflow.steps[0].step.params.http: a Http step needs params.http (a MAP param)',
  ]);
  assert.deepEqual(fields([http({ url: str('ftp://x'), method: str('TRACE') })]), [
    'workflow.steps[0].step.params.http.value.url.value: http.url must be an http or https URL',
    'workflow.steps[0].step.params.http.value.method.value: http.method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  ]);
  assert.deepEqual(fields([http({})]), [
    'workflow.steps[0].step.params.http.value.url: an Http step needs http.url',
  ]);
  assert.deepEqual(
    fields([sql({ connection: str('a b'), statements: { type: 'STRING_ARRAY', value: [] } })]),
    [
      'workflow.steps[0].step.params.sql.value.connection.value: sql.connection must be a name matching ^[A-Za-z0-9_.-]{1,64}$',
      'workflow.steps[0].step.params.sql.value.statements.value: sql.statements must be a non-empty STRING or STRING_ARRAY',
    ],
  );
  assert.deepEqual(fields([step('SQL', { sql: str('x') })]), [
    'workflow.steps[0].step.params.sql.type: sql must be a MAP param',
  ]);
});

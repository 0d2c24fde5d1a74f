import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  type JobTemplate,
  applyTemplates,
  parseJobTemplate,
  templateKey,
  templateRefs,
} from './job-templates';

const str = (value: string) => ({ type: 'STRING' as const, value });
const sql: JobTemplate & { version: number } = {
  subType: 'warehouse',
  type: 'SQL',
  version: 4,
  params: {
    sql: { type: 'MAP', value: { connection: str('dw'), max_rows: { type: 'LONG' as const, value: 10 } } },
    retries: str('x'),
  },
};

test('MAP params merge key by key (the step wins); nested steps are found; the version is pinned', () => {
  const wf = {
    id: 'w',
    steps: [
      {
        foreach: {
          id: 'f',
          steps: [
            {
              step: {
                id: 'q',
                type: 'SQL',
                sub_type: 'warehouse',
                params: {
                  sql: {
                    type: 'MAP',
                    value: { statements: str('SELECT 1'), max_rows: { type: 'LONG', value: 5 } },
                  },
                },
              },
            },
          ],
        },
      },
    ],
  };
  assert.deepEqual(templateRefs(wf), [
    { subType: 'warehouse', path: 'workflow.steps[0].foreach.steps[0].step', required: false },
  ]);
  const out = applyTemplates(wf, new Map([[templateKey('warehouse'), sql]]));
  assert.deepEqual(out.violations, []);
  const step = (
    out.workflow as never as { steps: [{ foreach: { steps: [{ step: Record<string, unknown> }] } }] }
  ).steps[0].foreach.steps[0].step;
  assert.deepEqual(step.params, {
    sql: {
      type: 'MAP',
      value: { connection: str('dw'), max_rows: { type: 'LONG', value: 5 }, statements: str('SELECT 1') },
    },
    retries: str('x'),
  });
  assert.equal(step.sub_type_version, '4');
  assert.equal(
    (wf.steps[0]!.foreach.steps[0]!.step.params.sql.value as Record<string, unknown>).connection,
    undefined,
    'the input is not changed',
  );
});

test('a template step becomes a typed step; a missing one is a violation at its path', () => {
  const wf = {
    id: 'w',
    steps: [
      { template: { id: 't', sub_type: 'warehouse', sub_type_version: '4' } },
      { template: { id: 'u', sub_type: 'gone' } },
    ],
  };
  const out = applyTemplates(wf, new Map([[templateKey('warehouse', 4), sql]]));
  assert.deepEqual(out.violations, [
    { field: 'workflow.steps[1].template.sub_type', description: "no job template 'gone'" },
  ]);
  assert.equal(
    ((out.workflow.steps as Record<string, Record<string, unknown>>[])[0]!.step as { type: string }).type,
    'SQL',
  );
});

test('parseJobTemplate reports every problem with its path', () => {
  const r = parseJobTemplate(
    JSON.stringify({ sub_type: '', type: 'Sleep', params: { 'bad name': str('x') }, x: 1 }),
  );
  assert.equal(r.ok, false);
  if (!r.ok)
    assert.deepEqual(
      r.violations.map((v) => v.field).sort(),
      ['params["bad name"]', 'sub_type', 'type', 'x'].sort(),
    );
});

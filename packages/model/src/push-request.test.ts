// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` is Maestro's interpolation syntax under test.
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { TypedStepDef } from './step-types';
import { invalid, noop, pushText, valid } from '../test/test-support';
import type { ExpressionChecker } from './violations';

const foreach = (id: string, steps: unknown[], loopVar = 'i') => ({
  foreach: {
    id,
    params: { loop_params: { type: 'MAP', value: { [loopVar]: { value: [1, 2], type: 'LONG_ARRAY' } } } },
    steps,
  },
});

describe('parsePushRequest: structure', () => {
  test('duplicate ids across nesting levels are reported at the later one', () => {
    const v = invalid(
      pushText([
        noop('a'),
        foreach('f', [noop('b'), { while: { id: 'w', condition: 'false', steps: [noop('a')] } }]),
      ]),
    );
    assert.deepEqual(v, [
      {
        field: 'workflow.steps[1].foreach.steps[1].while.steps[0].step.id',
        description: "duplicate step id 'a' (first defined at workflow.steps[0].step)",
      },
    ]);
  });

  test('a cycle is reported with its path of step ids', () => {
    const v = invalid(
      pushText([
        noop('a', { b: 'true' }),
        noop('b', { c: 'x > 1' }),
        noop('c', { a: 'true' }),
        noop('d', { a: 'true' }),
      ]),
    );
    assert.equal(v.length, 1);
    assert.equal(v[0]!.field, 'workflow.steps');
    assert.match(v[0]!.description, /cycle: a -> b -> c -> a/);
  });

  test('a DAG with shared descendants is not a cycle', () => {
    valid(
      pushText([
        noop('a', { b: 'true', c: 'true' }),
        noop('b', { d: 'true' }),
        noop('c', { d: 'true' }),
        noop('d'),
      ]),
    );
  });

  test('while is the way to loop: its body is a separate level', () => {
    valid(
      pushText([{ while: { id: 'w', condition: 'i < 3', steps: [noop('x', { y: 'true' }), noop('y')] } }]),
    );
  });

  test('all problems at once: five distinct problems give five violations', () => {
    const text = JSON.stringify({
      properties: { step_concurrency: 0 },
      workflow: {
        id: 'five',
        timeout: 'later',
        steps: [
          noop('a', { ghost: 'true' }),
          { step: { id: 'b', type: 'NoOp', failure_mode: 'sometimes' } },
          noop('c', undefined, { params: { n: { value: 'x', type: 'LONG' } } }),
        ],
      },
    });
    const fields = invalid(text).map((x) => x.field);
    assert.deepEqual(fields.sort(), [
      'properties.step_concurrency',
      'workflow.steps[0].step.transition.successors.ghost',
      'workflow.steps[1].step.failure_mode',
      'workflow.steps[2].step.params.n.value',
      'workflow.timeout',
    ]);
  });

  test('foreach loop params must be arrays, and literal arrays may not multiply past the limit', () => {
    const each = (value: unknown) => ({
      foreach: { id: 'f', params: { loop_params: { type: 'MAP', value } }, steps: [noop('x')] },
    });
    const notArray = invalid(pushText([each({ i: { value: 3, type: 'LONG' } })]));
    assert.deepEqual(notArray, [
      {
        field: 'workflow.steps[0].foreach.params.loop_params.value.i.type',
        description: "loop param 'i' must be an array type (e.g. LONG_ARRAY), not LONG",
      },
    ]);
    const big = Array.from({ length: 400 }, (_, k) => k);
    const tooMany = invalid(
      pushText([each({ a: { value: big, type: 'LONG_ARRAY' }, b: { value: big, type: 'LONG_ARRAY' } })]),
    );
    assert.equal(tooMany.length, 1);
    assert.equal(tooMany[0]!.field, 'workflow.steps[0].foreach.params.loop_params.value');
    assert.match(tooMany[0]!.description, /160000 iterations, over the limit of 100000/);
    // Computed arrays are checked when the step starts; a product within the limit is fine.
    valid(pushText([each({ a: { expression: 'Util.intsBetween(0, 1000, 1)', type: 'LONG_ARRAY' } })]));
    valid(
      pushText([each({ a: { value: big, type: 'LONG_ARRAY' }, b: { value: [1, 2], type: 'LONG_ARRAY' } })]),
    );
  });

  test('keys that are not identifiers are bracketed in paths', () => {
    const v = invalid(pushText([noop('a', { 'job.9': 'true' })]));
    assert.equal(v[0]!.field, 'workflow.steps[0].step.transition.successors["job.9"]');
  });

  test('malformed JSON reports line and column', () => {
    const v = invalid('{\n  "workflow": {\n    "id": "x" "steps": []\n  }\n}');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.field, '$');
    assert.match(v[0]!.description, /^malformed JSON at line 3, column 15: /);
  });
});

describe('parsePushRequest: normalization', () => {
  test('enums are case-insensitive and normalized to upper case', () => {
    const r = valid(
      JSON.stringify({
        properties: { run_strategy: 'Strict_Sequential' },
        workflow: {
          id: 'enums',
          criticality: 'medium',
          params: { p: { value: 'x', type: 'string', mode: 'Mutable_On_Start' } },
          steps: [
            {
              step: {
                id: 'a',
                type: 'noop',
                failure_mode: 'ignore_failure',
                transition: { successors: { b: 'true' } },
              },
            },
            { step: { id: 'b', type: 'sHeLl', retry_policy: { backoff: { type: 'exponential_backoff' } } } },
          ],
        },
      }),
    );
    const [a, b] = r.workflow.steps as TypedStepDef[];
    assert.equal(a!.type, 'NOOP');
    assert.equal(a!.failureMode, 'IGNORE_FAILURE');
    assert.equal(b!.type, 'SHELL');
    assert.equal(b!.retryPolicy?.backoff?.type, 'EXPONENTIAL_BACKOFF');
    assert.equal(r.workflow.criticality, 'MEDIUM');
    assert.deepEqual(r.workflow.params?.p, { type: 'STRING', value: 'x', mode: 'MUTABLE_ON_START' });
    assert.deepEqual(r.properties?.runStrategy, { rule: 'STRICT_SEQUENTIAL' });
  });

  test('tags: strings and objects normalize to {name, ...}', () => {
    const r = valid(
      pushText([noop('a')], { tags: ['plain', { name: 'team', namespace: 'user_defined', creator: 'ann' }] }),
    );
    assert.deepEqual(r.workflow.tags, [
      { name: 'plain' },
      { name: 'team', namespace: 'USER_DEFINED', attributes: { creator: 'ann' } },
    ]);
  });

  test('timeouts: seconds when literal, raw text when parametrized', () => {
    const r = valid(
      pushText(
        [noop('a', undefined, { timeout: '20 minutes' }), noop('b', undefined, { timeout: '${t}s' })],
        {
          timeout: '1d 3h',
        },
      ),
    );
    assert.equal(r.workflow.timeout, 97_200);
    assert.equal(r.workflow.steps[0]!.timeout, 1_200);
    assert.equal(r.workflow.steps[1]!.timeout, '${t}s');
  });

  test('foreach loop params are unwrapped; step count includes nested steps', () => {
    const r = valid(pushText([foreach('f', [noop('x'), noop('y')], 'day')]));
    const f = r.workflow.steps[0]!;
    assert.equal(f.kind, 'foreach');
    if (f.kind === 'foreach') assert.deepEqual(Object.keys(f.loopParams), ['day']);
    assert.equal(r.stepCount, 3);
  });

  test('the source JSON is kept as pushed', () => {
    const text = pushText([noop('a')], { description: 'as pushed' }, { properties: { owner: 'ann' } });
    const r = valid(text);
    assert.deepEqual(r.source, JSON.parse(text) as unknown);
  });
});

describe('parsePushRequest: expression checker', () => {
  test('is called for expressions, conditions and $-strings; problems get line and column', () => {
    const seen: string[] = [];
    const checkExpression: ExpressionChecker = (source, kind) => {
      seen.push(`${kind}:${source}`);
      return source.includes('bad') ? [{ message: 'syntax error', line: 1, column: 4 }] : [];
    };
    const text = pushText(
      [
        noop('a', { b: 'bad condition' }, { params: { s: { value: 'hi ${bad}', type: 'STRING' } } }),
        noop('b', undefined, { timeout: '${t}s' }),
        { while: { id: 'w', condition: 'i < 2', steps: [noop('c')] } },
      ],
      {
        params: {
          e: { expression: 'return bad;', type: 'LONG' },
          plain: { value: 'no dollar', type: 'STRING' },
        },
      },
    );
    const v = invalid(text, { checkExpression });
    assert.deepEqual(v.map((x) => [x.field, x.description]).sort(), [
      ['workflow.params.e.expression', 'syntax error (line 1, column 4)'],
      ['workflow.steps[0].step.params.s.value', 'syntax error (line 1, column 4)'],
      ['workflow.steps[0].step.transition.successors.b', 'syntax error (line 1, column 4)'],
    ]);
    assert.deepEqual(seen.sort(), [
      'condition:bad condition',
      'condition:i < 2',
      'expression:return bad;',
      'interpolation:${t}s',
      'interpolation:hi ${bad}',
    ]);
  });

  test('without a checker expressions are stored as text', () => {
    const r = valid(pushText([noop('a', { b: 'this is not SEL (' }), noop('b')]));
    assert.equal(r.workflow.steps[0]!.transition.successors.b, 'this is not SEL (');
  });
});

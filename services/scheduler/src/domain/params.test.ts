import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { validateRunParams } from './run-params';
import { Run, T0, e, p, s, workflow } from '../../test/test-kit';

const SH = 'Shell';

/** Instance params after start, and the dispatched params of the first attempt of `a`. */
function started(
  steps: unknown[],
  wf: Record<string, unknown>,
  runParams?: Record<string, unknown>,
  stepRunParams?: Record<string, unknown>,
) {
  const r = Run.of(steps, wf);
  r.start(runParams as never, stepRunParams ? { stepRunParams: stepRunParams as never } : {});
  return r;
}

describe('params: layering and evaluation', () => {
  const cases: {
    name: string;
    wf: Record<string, unknown>;
    run?: Record<string, unknown>;
    expect: Record<string, unknown>;
  }[] = [
    {
      name: 'system params',
      wf: {},
      expect: {
        workflow_id: 'wf',
        workflow_instance_id: 1,
        workflow_run_id: 1,
        workflow_instance_key: 'wf:1:1',
        RUN_TS: T0,
        initiator: 'manual',
      },
    },
    { name: 'definition literal', wf: { params: { x: p(5, 'LONG') } }, expect: { x: 5 } },
    { name: 'definition expression', wf: { params: { x: e('2 * 21', 'LONG') } }, expect: { x: 42 } },
    {
      name: 'expression sees another param (any order)',
      wf: { params: { y: e('x + 1', 'LONG'), x: p(1, 'LONG') } },
      expect: { y: 2 },
    },
    {
      name: 'interpolation ${name}',
      wf: { params: { who: p('bob'), msg: p('hi ${who}!') } },
      expect: { msg: 'hi bob!' },
    },
    {
      name: 'interpolation $name and $$',
      wf: { params: { n: p(3, 'LONG'), msg: p('$n costs $$5') } },
      expect: { msg: '3 costs $5' },
    },
    {
      name: 'run param overrides a MUTABLE definition param',
      wf: { params: { x: p(1, 'LONG') } },
      run: { x: { value: 9 } },
      expect: { x: 9 },
    },
    {
      name: 'run param converted to the defined type',
      wf: { params: { x: p(1, 'LONG') } },
      run: { x: { value: '12' } },
      expect: { x: 12 },
    },
    {
      name: 'new run param with inferred type',
      wf: {},
      run: { extra: { value: [1, 2] } },
      expect: { extra: [1, 2] },
    },
    {
      name: 'run param as expression over definition params',
      wf: { params: { a: p(2, 'LONG') } },
      run: { b: { expression: 'a * 10', type: 'LONG' } },
      expect: { b: 20 },
    },
    {
      name: 'expression using the run timestamp',
      wf: { params: { ts: e('RUN_TS', 'LONG') } },
      expect: { ts: T0 },
    },
    { name: 'DOUBLE conversion', wf: { params: { d: e('1 / 4.0', 'DOUBLE') } }, expect: { d: 0.25 } },
    {
      name: 'LONG beyond 2^53 kept as a decimal string (JSON-safe)',
      wf: { params: { big: e('9007199254740993L', 'LONG') } },
      expect: { big: '9007199254740993' },
    },
    {
      name: 'STRING_ARRAY with interpolation',
      wf: { params: { who: p('x'), arr: p(['a-$who', 'b'], 'STRING_ARRAY') } },
      expect: { arr: ['a-x', 'b'] },
    },
    {
      name: 'STRING_MAP with interpolation',
      wf: { params: { who: p('x'), m: p({ k: '${who}!' }, 'STRING_MAP') } },
      expect: { m: { k: 'x!' } },
    },
    {
      name: 'MAP of nested param definitions',
      wf: { params: { m: { type: 'MAP', value: { a: p(1, 'LONG'), b: e('1 + 1', 'LONG') } } } },
      expect: { m: { a: 1, b: 2 } },
    },
    { name: 'BOOLEAN expression', wf: { params: { f: e('1 < 2', 'BOOLEAN') } }, expect: { f: true } },
    {
      name: 'Util date helper',
      wf: { params: { days: e('Util.dateIntsBetween(20200101, 20200104, 1)', 'LONG_ARRAY') } },
      expect: { days: [20200101, 20200102, 20200103] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = started([s('a', SH)], c.wf, c.run);
      assert.equal(r.snap.status, 'IN_PROGRESS', r.snap.message);
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual(r.snap.params[k], v, k);
    });
  }
  const failing: { name: string; wf: Record<string, unknown>; message: RegExp }[] = [
    {
      name: 'an expression that fails fails the run at start',
      wf: { params: { x: e('1 / 0', 'LONG') } },
      message: /cannot start: param 'x'/,
    },
    {
      name: 'a cycle of params fails the run',
      wf: { params: { x: e('y', 'LONG'), y: e('x', 'LONG') } },
      message: /cycle/,
    },
    {
      name: 'an unknown interpolated name fails the run',
      wf: { params: { x: p('${nope}') } },
      message: /unknown parameter 'nope'/,
    },
    {
      name: 'a value of the wrong type fails the run',
      wf: { params: { x: e('"abc"', 'LONG') } },
      message: /does not fit LONG/,
    },
  ];
  for (const c of failing) {
    test(c.name, () => {
      const r = started([s('a', SH)], c.wf);
      assert.equal(r.snap.status, 'FAILED');
      assert.match(r.snap.message ?? '', c.message);
      assert.deepEqual(r.ofType('instanceEnded').length, 1);
    });
  }
});

describe('params: steps', () => {
  const cases: {
    name: string;
    steps: unknown[];
    wf?: Record<string, unknown>;
    stepRun?: Record<string, unknown>;
    finish?: [string, Record<string, unknown>][];
    step: string;
    expect: Record<string, unknown>;
  }[] = [
    {
      name: 'step system params',
      steps: [s('a', SH)],
      step: 'a',
      expect: { step_id: 'a', step_instance_id: 1, step_attempt_id: 1 },
    },
    {
      name: 'step param sees workflow params',
      steps: [s('a', SH, undefined, { params: { y: e('x * 2', 'LONG') } })],
      wf: { params: { x: p(4, 'LONG') } },
      step: 'a',
      expect: { y: 8 },
    },
    {
      name: 'step param overrides a workflow param of the same name',
      steps: [s('a', SH, undefined, { params: { x: p(1, 'LONG') } })],
      wf: { params: { x: p(4, 'LONG') } },
      step: 'a',
      expect: { x: 1 },
    },
    {
      name: 'step run params override step definition params',
      steps: [s('a', SH, undefined, { params: { x: p(1, 'LONG') } })],
      stepRun: { a: { x: { value: 7 } } },
      step: 'a',
      expect: { x: 7 },
    },
    {
      name: 'step__param of an earlier step (its output)',
      steps: [s('a', SH, { b: 'true' }), s('b', SH, undefined, { params: { got: e('a__out + 1', 'LONG') } })],
      finish: [['a', { out: 41 }]],
      step: 'b',
      expect: { got: 42 },
    },
    {
      name: 'params.getFromStep of an earlier step param',
      steps: [
        s('a', SH, { b: 'true' }, { params: { q: p('hello') } }),
        s('b', SH, undefined, { params: { got: e('params.getFromStep("a", "q")') } }),
      ],
      finish: [['a', {}]],
      step: 'b',
      expect: { got: 'hello' },
    },
    {
      name: 'output params override the step’s own params for successors',
      steps: [
        s('a', SH, { b: 'true' }, { params: { q: p('before') } }),
        s('b', SH, undefined, { params: { got: e('a__q') } }),
      ],
      finish: [['a', { q: 'after' }]],
      step: 'b',
      expect: { got: 'after' },
    },
    {
      name: 'interpolation of a predecessor output in a step param',
      steps: [s('a', SH, { b: 'true' }), s('b', SH, undefined, { params: { cmd: p('echo ${a__v}') } })],
      finish: [['a', { v: 'x' }]],
      step: 'b',
      expect: { cmd: 'echo x' },
    },
    {
      name: 'Shell script MAP param reaches the dispatch',
      steps: [
        s('a', SH, undefined, {
          params: { shell: { type: 'MAP', value: { script: p('echo $who') } }, who: p('me') },
        }),
      ],
      step: 'a',
      expect: { shell: { script: 'echo me' } },
    },
    {
      name: 'a hostile value in a Shell script becomes a quoted variable, never script text',
      wf: { params: { greeting: p('$(id) `id` \'"') } },
      steps: [s('a', SH, undefined, { params: { script: p('echo "${greeting} from Baton"') } })],
      step: 'a',
      expect: { script: `__baton_v1='$(id) \`id\` '\\''"'\necho "\${__baton_v1} from Baton"` },
    },
    {
      name: 'a SQL step splices a plain value into its statements (STRING_ARRAY too)',
      wf: { params: { day: p('20240101') } },
      steps: [
        s('a', 'SQL', undefined, {
          params: {
            sql: {
              type: 'MAP',
              value: {
                connection: p('warehouse'),
                statements: p(['DELETE FROM t_${day}', 'SELECT 1 FROM t_${day}'], 'STRING_ARRAY'),
              },
            },
          },
        }),
      ],
      step: 'a',
      expect: {
        sql: { connection: 'warehouse', statements: ['DELETE FROM t_20240101', 'SELECT 1 FROM t_20240101'] },
      },
    },
    {
      name: 'script_interpolation=raw keeps Maestro splicing (the definition trusts its values)',
      wf: { params: { greeting: p('$(id)') } },
      steps: [
        s('a', SH, undefined, {
          params: { script: p('echo ${greeting}'), script_interpolation: p('raw') },
        }),
      ],
      step: 'a',
      expect: { script: 'echo $(id)' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = started(c.steps, c.wf ?? {}, undefined, c.stepRun);
      for (const [id, out] of c.finish ?? []) r.finish(id, 'SUCCEEDED', out as never);
      const d = r
        .dispatches()
        .filter((x) => x.stepId === c.step)
        .at(-1);
      assert.ok(d, `no dispatch of ${c.step}: ${r.step(c.step).status} ${r.step(c.step).message ?? ''}`);
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual(d.params[k], v, k);
    });
  }
  test('the dispatch action carries the attempt key, type, pool and timeout', () => {
    const r = started([s('a', SH, undefined, { timeout: 30, params: { pool: p('gpu') } })], {});
    const d = r.dispatches()[0]!;
    assert.deepEqual(
      {
        key: d.key,
        attemptKey: d.attemptKey,
        stepType: d.stepType,
        pool: d.pool,
        timeoutSeconds: d.timeoutSeconds,
      },
      { key: 'wf:1:1:a:1', attemptKey: 'wf:1:1:a:1', stepType: 'SHELL', pool: 'gpu', timeoutSeconds: 30 },
    );
  });
});

describe('validateRunParams', () => {
  const wf = workflow([s('a', SH, undefined, { params: { sp: p(1, 'LONG', 'CONSTANT') } })], {
    params: {
      c: p(1, 'LONG', 'CONSTANT'),
      i: p(1, 'LONG', 'IMMUTABLE'),
      m: p(1, 'LONG', 'MUTABLE'),
      os: p(1, 'LONG', 'MUTABLE_ON_START'),
      osr: p(1, 'LONG', 'MUTABLE_ON_START_RESTART'),
      str: p('x'),
    },
  });
  const cases: {
    name: string;
    run: Record<string, unknown>;
    phase?: 'start' | 'restart';
    stepRun?: Record<string, unknown>;
    fields: string[];
  }[] = [
    { name: 'MUTABLE may change', run: { m: { value: 2 } }, fields: [] },
    { name: 'CONSTANT may not change', run: { c: { value: 2 } }, fields: ['params.c'] },
    { name: 'IMMUTABLE may not change', run: { i: { value: 2 } }, fields: ['params.i'] },
    { name: 'MUTABLE_ON_START changes at start', run: { os: { value: 2 } }, fields: [] },
    {
      name: 'MUTABLE_ON_START may not change at restart',
      run: { os: { value: 2 } },
      phase: 'restart',
      fields: ['params.os'],
    },
    {
      name: 'MUTABLE_ON_START_RESTART changes at restart',
      run: { osr: { value: 2 } },
      phase: 'restart',
      fields: [],
    },
    { name: 'wrong type for a defined LONG', run: { m: { value: 'abc' } }, fields: ['params.m.value'] },
    {
      name: 'a type different from the definition',
      run: { m: { value: 'abc', type: 'STRING' } },
      fields: ['params.m.type'],
    },
    { name: 'unknown type name', run: { n: { value: 1, type: 'INTEGER' } }, fields: ['params.n.type'] },
    {
      name: 'value and expression together',
      run: { n: { value: 1, expression: '1' } },
      fields: ['params.n'],
    },
    { name: 'a number for a STRING param', run: { str: { value: 5 } }, fields: ['params.str.value'] },
    { name: 'new params are fine', run: { brand_new: { value: true } }, fields: [] },
    {
      name: 'several violations are all reported',
      run: { c: { value: 2 }, i: { value: 3 } },
      fields: ['params.c', 'params.i'],
    },
    {
      name: 'step run params: CONSTANT step param',
      run: {},
      stepRun: { a: { sp: { value: 2 } } },
      fields: ['step_params.a.sp'],
    },
    {
      name: 'step run params: unknown step',
      run: {},
      stepRun: { nope: { x: { value: 2 } } },
      fields: ['step_params.nope'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const v = validateRunParams(wf, c.run as never, {
        phase: c.phase ?? 'start',
        ...(c.stepRun ? { stepRunParams: c.stepRun as never } : {}),
      });
      assert.deepEqual(
        v.map((x) => x.field),
        c.fields,
        JSON.stringify(v),
      );
    });
  }
});

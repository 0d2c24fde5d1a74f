import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { Instance, type ParamValue, StepRun, type StepRunSummary } from '@baton/proto';
import { ANSWER_BUDGET_BYTES, fitInstance, fitStepRun, pageThatFits } from './answer-size';

const str = (n: number, c = 'x'): ParamValue => ({ kind: { $case: 'stringValue', value: c.repeat(n) } });

function summary(stepId: string, outputs: Record<string, ParamValue>): StepRunSummary {
  return {
    stepId,
    stepType: 'Shell',
    status: 'SUCCEEDED',
    attempts: 1,
    outputs,
    error: '',
    iterationCounts: {},
    childKey: '',
    signalDependencies: [],
    signalOutputs: [],
    omittedOutputs: [],
    permitTag: '',
    breakpointId: '',
  };
}

function instance(params: Record<string, ParamValue>, steps: StepRunSummary[]): Instance {
  return {
    workflowVersion: '1',
    status: 'SUCCEEDED',
    params,
    steps,
    timeline: [],
    stepCounts: {},
    parentStepId: '',
    error: '',
    key: 'wf:1:1',
    parentKey: '',
    omittedParams: [],
  };
}

const encoded = (i: Instance) => Instance.encode(i).finish().length;

describe('answer sizes', () => {
  test('values over 64 KiB are named, not sent; small ones stay', () => {
    const inst = instance({ big: str(100_000), small: str(10) }, [
      summary('a', { blob: str(900_000), n: str(3) }),
      summary('b', { blob: str(900_000) }),
    ]);
    fitInstance(inst);
    assert.deepEqual(inst.omittedParams, ['big']);
    assert.deepEqual(Object.keys(inst.params), ['small']);
    assert.deepEqual(inst.steps[0]!.omittedOutputs, ['blob']);
    assert.deepEqual(Object.keys(inst.steps[0]!.outputs), ['n']);
    assert.ok(encoded(inst) < 10_000);
  });

  test('many values under 64 KiB that together go over the budget: the largest leave first', () => {
    // 80 outputs of 60,000 characters: 4.8 MB, over the 4 MiB limit.
    const steps = Array.from({ length: 80 }, (_, i) => summary(`s${i}`, { v: str(60_000 - i) }));
    const inst = instance({}, steps);
    fitInstance(inst);
    const size = encoded(inst);
    assert.ok(size <= ANSWER_BUDGET_BYTES, `${size} bytes`);
    const left = inst.steps.filter((s) => s.omittedOutputs.length > 0).map((s) => s.stepId);
    assert.ok(left.length > 0 && left.length < 80);
    // The largest are s0, s1, ...: those are the ones left out.
    assert.deepEqual(
      left,
      left.map((_, i) => `s${i}`),
    );
  });

  test('GetStepRun sends values whole unless together they cannot fit', () => {
    const whole: StepRun = {
      summary: summary('a', { blob: str(1_000_000) }),
      params: { p: str(500_000) },
      attempts: [],
      timeline: [],
      omittedParams: [],
    };
    fitStepRun(whole);
    assert.deepEqual(whole.summary!.omittedOutputs, []);
    assert.deepEqual(whole.omittedParams, []);

    const over: StepRun = {
      summary: summary('a', { blob: str(1_000_000) }),
      params: { p1: str(1_000_000), p2: str(1_000_000), p3: str(900_000, 'y') },
      attempts: [],
      timeline: [],
      omittedParams: [],
    };
    fitStepRun(over);
    assert.ok(StepRun.encode(over).finish().length <= ANSWER_BUDGET_BYTES);
    assert.equal(over.omittedParams.length + over.summary!.omittedOutputs.length, 1, 'one value is enough');
    assert.ok(over.params.p3, 'the smallest stays');
  });

  test('a page ends before the item that would take it over the budget, never before the first', () => {
    assert.equal(pageThatFits([100, 200, 300]), 3);
    assert.equal(pageThatFits([2_000_000, 2_000_000, 10]), 1);
    assert.equal(pageThatFits([4_000_000]), 1);
    assert.equal(pageThatFits([]), 0);
  });
});

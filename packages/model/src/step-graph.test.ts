import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { findCycle, stepGraph } from './step-graph';
import { noop, pushText, valid } from '../test/test-support';
import { walkSteps } from './walk-steps';

describe('stepGraph', () => {
  test('roots, successors and predecessors of one level', () => {
    const w = valid(
      pushText([noop('a', { c: 'true' }), noop('b', { c: 'x > 1' }), noop('c', { d: 'true' }), noop('d')]),
    ).workflow;
    const g = stepGraph(w.steps);
    assert.deepEqual(g.roots, ['a', 'b']);
    assert.deepEqual(g.successors.get('a'), ['c']);
    assert.deepEqual(g.predecessors.get('c'), ['a', 'b']);
    assert.deepEqual(g.predecessors.get('d'), ['c']);
    assert.equal(findCycle(g), undefined);
  });

  test('findCycle is linear on a long chain and finds a back edge', () => {
    const n = 50_000;
    const ids = Array.from({ length: n }, (_, i) => `s${i}`);
    const successors = new Map(ids.map((id, i) => [id, i + 1 < n ? [ids[i + 1]!] : [ids[0]!]]));
    const cycle = findCycle({ ids, successors });
    assert.equal(cycle?.length, n + 1);
    assert.equal(cycle?.[0], cycle?.[n]);
  });
});

describe('walkSteps', () => {
  test('visits nested steps with paths and depths', () => {
    const w = valid(
      pushText([
        noop('a', { w: 'true' }),
        {
          while: {
            id: 'w',
            condition: 'false',
            steps: [noop('x'), { while: { id: 'v', condition: 'false', steps: [noop('y')] } }],
          },
        },
      ]),
    ).workflow;
    const seen: string[] = [];
    walkSteps(w, (step, at) => seen.push(`${step.id}@${at.depth}:${at.path}:${at.parent?.id ?? '-'}`));
    assert.deepEqual(seen, [
      'a@1:workflow.steps[0].step:-',
      'w@1:workflow.steps[1].while:-',
      'x@2:workflow.steps[1].while.steps[0].step:w',
      'v@2:workflow.steps[1].while.steps[1].while:w',
      'y@3:workflow.steps[1].while.steps[1].while.steps[0].step:v',
    ]);
  });
});

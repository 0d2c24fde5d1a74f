import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isAlways, readSteps, readStepsUnder, walk } from './definition';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'examples')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const examples = join(repoRoot(), 'examples');
const example = (name: string) => JSON.parse(readFileSync(join(examples, `${name}.json`), 'utf8'));

/** Step entries counted straight from the JSON, every level. */
function countEntries(list: unknown): number {
  if (!Array.isArray(list)) return 0;
  let n = 0;
  for (const entry of list) {
    const body = Object.values(entry as object)[0] as { steps?: unknown };
    n += 1 + countEntries(body.steps);
  }
  return n;
}

describe('readSteps', () => {
  it('reads every step of every example, nested ones included', () => {
    const files = readdirSync(examples).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(join(examples, f), 'utf8'));
      const steps = [...walk(readSteps(doc))];
      expect({ f, n: steps.length }).toEqual({ f, n: countEntries(doc.workflow.steps) });
      // The push request and the bare workflow object read the same.
      expect(readSteps(doc.workflow)).toEqual(readSteps(doc));
    }
  });

  it('keeps conditions on edges, unconditional ones as "true"', () => {
    const [count] = readSteps(example('branching-dag'));
    expect(count.id).toBe('count_rows');
    expect(count.type).toBe('Python');
    expect(count.successors.map((s) => s.to)).toEqual(['big_branch', 'small_branch', 'audit']);
    expect(count.successors[0].condition).toBe("params.getFromStep('count_rows', 'row_count') >= threshold");
    expect(count.successors.map((s) => isAlways(s.condition))).toEqual([false, false, true]);
  });

  it('nests loop bodies under their loop with paths, loop variables and counts', () => {
    const steps = readSteps(example('foreach-nested'));
    const outer = steps[0];
    expect(outer).toMatchObject({
      kind: 'foreach',
      path: 'per_region',
      loopVars: ['region'],
      nestedCount: 3,
    });
    expect([...walk(steps)].map((s) => s.path)).toEqual([
      'per_region',
      'per_region/per_day',
      'per_region/per_day/load_day',
      'per_region/count',
      'report',
    ]);
    const loop = readSteps(example('while-loop'))[0];
    expect(loop).toMatchObject({ kind: 'while', condition: 'i < 5', loopVars: ['i'], nestedCount: 2 });
  });

  it('reads subworkflow targets and signals', () => {
    expect(readSteps(example('subworkflow-parent'))[0]).toMatchObject({
      kind: 'subworkflow',
      subworkflowId: 'demo.subworkflow_child',
    });
    expect(readSteps(example('signal-wait'))[0].signalsIn).toEqual(['demo/partition_ready']);
    expect(readSteps(example('signal-producer'))[0].signalsOut).toEqual(['demo/orders_landed']);
  });

  it('puts a child definition under the subworkflow step path', () => {
    const child = readStepsUnder(example('subworkflow-child'), 'run_child');
    expect(child.length).toBeGreaterThan(0);
    for (const s of walk(child)) expect(s.path.startsWith('run_child/')).toBe(true);
  });

  it('skips what is not a step and never throws on hostile input', () => {
    for (const bad of [null, 'x', 42, [], { steps: 'no' }, { workflow: null }])
      expect(readSteps(bad)).toEqual([]);
    const steps = readSteps({
      steps: [
        null,
        { step: { id: 'a', type: 'NoOp', transition: { successors: { b: true, c: '', d: 7 } } } },
        { step: { id: 'a', type: 'NoOp' } }, // a repeated id
        { step: { id: 'x/y', type: 'NoOp' } }, // ids cannot hold a slash
        { step: { type: 'NoOp' } }, // no id
        { gadget: { id: 'g' } }, // not a kind
        { foreach: { id: 'f', steps: 'nope', params: { loop_params: 'x' } } },
        { while: { id: 'w', condition: 3 } },
      ],
    });
    expect(steps.map((s) => s.id)).toEqual(['a', 'f', 'w']);
    expect(steps[0].successors).toEqual([{ to: 'b', condition: 'true' }]);
    expect(steps[1].steps).toEqual([]);
    expect(steps[2].condition).toBeUndefined();
    // Nesting deeper than any definition may be is cut, not recursed into.
    let deep: unknown = { step: { id: 'leaf', type: 'NoOp' } };
    for (let i = 0; i < 10_000; i++) deep = { foreach: { id: `f${i}`, steps: [deep] } };
    expect([...walk(readSteps({ steps: [deep] }))].length).toBeLessThan(100);
  });
});

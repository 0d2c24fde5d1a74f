import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { type DagStep, readSteps, readStepsUnder } from './definition';
import { GROUP_HEADER, LABEL_CHARS, type Scene, buildScene, hitTest, labelText, toggleBox } from './graph';

function example(name: string): unknown {
  let dir = __dirname;
  while (!existsSync(join(dir, 'examples')) && dirname(dir) !== dir) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'examples', `${name}.json`), 'utf8'));
}

const box = (s: Scene, path: string) => s.nodes[s.byPath.get(path)!];

/** No two boxes of the same level (same enclosing group) overlap: pairs are found through a grid. */
function expectNoOverlap(s: Scene): void {
  const cell = 100;
  const grid = new Map<string, number[]>();
  const clashes: string[] = [];
  s.nodes.forEach((a, i) => {
    for (let gx = Math.floor(a.x / cell); gx <= Math.floor((a.x + a.width) / cell); gx++)
      for (let gy = Math.floor(a.y / cell); gy <= Math.floor((a.y + a.height) / cell); gy++) {
        const key = `${gx},${gy}`;
        const list = grid.get(key) ?? [];
        for (const j of list) {
          const b = s.nodes[j];
          if (b.parent !== a.parent) continue;
          const apart =
            a.x + a.width <= b.x + 0.5 ||
            b.x + b.width <= a.x + 0.5 ||
            a.y + a.height <= b.y + 0.5 ||
            b.y + b.height <= a.y + 0.5;
          if (!apart) clashes.push(`${a.step.path} overlaps ${b.step.path}`);
        }
        list.push(i);
        grid.set(key, list);
      }
  });
  expect(clashes).toEqual([]);
}

/** Every edge goes down the page, from its source's box (its border) to its target's. */
function expectEdgesDown(s: Scene): void {
  const wrong: string[] = [];
  for (const e of s.edges) {
    const a = box(s, e.from);
    const b = box(s, e.to);
    const first = e.points[0];
    const last = e.points[e.points.length - 1];
    if (b.y < a.y + a.height || !onBorder(first, a) || !onBorder(last, b)) wrong.push(`${e.from} > ${e.to}`);
  }
  expect(wrong).toEqual([]);
}

function onBorder(p: { x: number; y: number }, n: { x: number; y: number; width: number; height: number }) {
  const inside = p.x >= n.x - 1 && p.x <= n.x + n.width + 1 && p.y >= n.y - 1 && p.y <= n.y + n.height + 1;
  const edge =
    Math.abs(p.x - n.x) < 1 ||
    Math.abs(p.x - n.x - n.width) < 1 ||
    Math.abs(p.y - n.y) < 1 ||
    Math.abs(p.y - n.y - n.height) < 1;
  return inside && edge;
}

function chain(n: number): unknown {
  return {
    steps: Array.from({ length: n }, (_, i) => ({
      step: {
        id: `s${i}`,
        type: 'NoOp',
        transition: { successors: i + 1 < n ? { [`s${i + 1}`]: 'true' } : {} },
      },
    })),
  };
}

/** 100 ranks of 100 steps, each feeding two steps of the next rank, every seventh edge conditional. */
function layered(n: number): unknown {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const w = 100;
  return {
    steps: Array.from({ length: n }, (_, i) => {
      const next = Math.floor(i / w) * w + w;
      const successors: Record<string, string> = {};
      if (next < n) {
        successors[`s${next + Math.floor(rnd() * w)}`] = 'true';
        successors[`s${Math.min(n - 1, next + Math.floor(rnd() * w))}`] = i % 7 === 0 ? `x > ${i}` : 'true';
      }
      return { step: { id: `s${i}`, type: 'NoOp', transition: { successors } } };
    }),
  };
}

describe('buildScene', () => {
  it('draws a branching DAG with labelled conditional edges, laid out by dagre', () => {
    const s = buildScene(readSteps(example('branching-dag')));
    expect(s.nodes.map((n) => n.step.id).sort()).toEqual([
      'audit',
      'big_branch',
      'count_rows',
      'merge',
      'small_branch',
    ]);
    expect(s.edges).toHaveLength(6);
    expect(s.engines).toEqual({ dagre: 1, fast: 0 });
    const labelled = s.edges.filter((e) => e.label);
    expect(labelled.map((e) => e.to).sort()).toEqual(['big_branch', 'small_branch']);
    for (const e of labelled) {
      expect(e.label!.text.length).toBeLessThanOrEqual(LABEL_CHARS);
      expect(e.label!.text.endsWith('…')).toBe(true);
      expect(e.condition.startsWith(e.label!.text.slice(0, -1))).toBe(true);
    }
    expect(
      buildScene(readSteps(example('branching-dag')), { conditionLabels: false }).edges.some((e) => e.label),
    ).toBe(false);
    expectNoOverlap(s);
    expectEdgesDown(s);
    expect(s.width).toBeGreaterThan(0);
    for (const n of s.nodes) expect(n.x + n.width).toBeLessThanOrEqual(s.width + 0.5);
  });

  it('shows a loop closed until it is expanded, then its body inside its box', () => {
    const steps = readSteps(example('foreach-nested'));
    const closed = buildScene(steps);
    expect(closed.nodes.map((n) => n.step.path)).toEqual(['per_region', 'report']);
    expect(box(closed, 'per_region')).toMatchObject({ expandable: true, expanded: false });

    const open = buildScene(steps, { expanded: new Set(['per_region', 'per_region/per_day']) });
    expect(open.nodes.map((n) => n.step.path)).toEqual([
      'per_region',
      'per_region/per_day',
      'per_region/per_day/load_day',
      'per_region/count',
      'report',
    ]);
    const outer = box(open, 'per_region');
    for (const path of ['per_region/per_day', 'per_region/per_day/load_day', 'per_region/count']) {
      const inner = box(open, path);
      expect(inner.x).toBeGreaterThanOrEqual(outer.x);
      expect(inner.y).toBeGreaterThanOrEqual(outer.y + GROUP_HEADER);
      expect(inner.x + inner.width).toBeLessThanOrEqual(outer.x + outer.width);
      expect(inner.y + inner.height).toBeLessThanOrEqual(outer.y + outer.height);
    }
    expect(box(open, 'per_region/per_day/load_day').parent).toBe(open.byPath.get('per_region/per_day'));
    expect(open.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual([
      'per_region/per_day>per_region/count',
      'per_region>report',
    ]);
    expectNoOverlap(open);
    expectEdgesDown(open);
  });

  it('opens a subworkflow only when its child definition is given', () => {
    const steps = readSteps(example('subworkflow-parent'));
    expect(buildScene(steps, { expanded: new Set(['run_child']) }).nodes[0].expandable).toBe(false);
    const children = new Map<string, DagStep[]>([
      ['run_child', readStepsUnder(example('subworkflow-child'), 'run_child')],
    ]);
    const s = buildScene(steps, { expanded: new Set(['run_child']), children });
    expect(s.nodes[0]).toMatchObject({ expandable: true, expanded: true });
    expect(s.nodes.length).toBeGreaterThan(2);
    expect(s.nodes.slice(1, -1).every((n) => n.step.path.startsWith('run_child/'))).toBe(true);
  });

  it('leaves out successors that name no step of the level', () => {
    const s = buildScene(
      readSteps({
        steps: [
          { step: { id: 'a', type: 'NoOp', transition: { successors: { ghost: 'true', a: 'true' } } } },
        ],
      }),
    );
    expect(s.nodes).toHaveLength(1);
    expect(s.edges).toHaveLength(0);
  });

  it('lays out 10,000 steps with the fast layout: a chain and a layered DAG', () => {
    for (const def of [chain(10_000), layered(10_000)]) {
      const t0 = performance.now();
      const s = buildScene(readSteps(def));
      const ms = performance.now() - t0;
      expect(s.nodes).toHaveLength(10_000);
      expect(s.engines).toEqual({ dagre: 0, fast: 1 });
      // The browser budget is 2 s for everything (the console bench measures it); layout alone is a
      // fraction of it even on a loaded machine.
      expect(ms).toBeLessThan(1500);
      expectNoOverlap(s);
      expectEdgesDown(s);
    }
  });

  it('tolerates a cycle (validation refuses them) without looping', () => {
    const s = buildScene(
      readSteps({
        steps: ['a', 'b', 'c'].map((id, i, all) => ({
          step: { id, type: 'NoOp', transition: { successors: { [all[(i + 1) % 3]]: 'true' } } },
        })),
      }),
    );
    expect(s.nodes).toHaveLength(3);
    expect(s.edges).toHaveLength(3);
  });
});

describe('labelText', () => {
  it('keeps short conditions, cuts long ones and flattens whitespace', () => {
    expect(labelText('x > 1')).toBe('x > 1');
    expect(labelText('a\n  &&\tb')).toBe('a && b');
    const long = labelText('x'.repeat(100));
    expect(long).toHaveLength(LABEL_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('hitTest', () => {
  it('finds the innermost box, its toggle, and nothing between boxes', () => {
    const steps = readSteps(example('foreach-nested'));
    const s = buildScene(steps, { expanded: new Set(['per_region']) });
    const count = box(s, 'per_region/count');
    expect(hitTest(s, count.x + 5, count.y + 5)).toEqual({
      index: s.byPath.get('per_region/count'),
      toggle: false,
    });
    const inner = box(s, 'per_region/per_day');
    const t = toggleBox(inner);
    expect(hitTest(s, t.x + t.size / 2, t.y + t.size / 2)).toEqual({
      index: s.byPath.get('per_region/per_day'),
      toggle: true,
    });
    const outer = box(s, 'per_region');
    // The open group's body (below its header, between its steps) is background.
    expect(hitTest(s, outer.x + 3, outer.y + outer.height - 3)).toBeUndefined();
    expect(hitTest(s, outer.x + 3, outer.y + 3)).toEqual({ index: 0, toggle: false });
    expect(hitTest(s, -50, -50)).toBeUndefined();
  });
});

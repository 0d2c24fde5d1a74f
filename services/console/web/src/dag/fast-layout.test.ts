import { describe, expect, it } from '@jest/globals';
import { fastLayout, spread } from './fast-layout';

describe('spread', () => {
  it('keeps centres that are already apart', () => {
    expect(spread([0, 100, 200], [10, 10, 10], 5)).toEqual([0, 100, 200]);
  });

  it('spreads boxes that want the same place evenly around it', () => {
    expect(spread([0, 0, 0, 0], [10, 10, 10, 10], 0)).toEqual([-15, -5, 5, 15]);
  });

  it('moves only the crowded boxes, keeping every gap', () => {
    const out = spread([0, 1, 50, 300], [20, 20, 20, 20], 4);
    expect(out[3]).toBe(300);
    for (let i = 1; i < out.length; i++) expect(out[i] - out[i - 1]).toBeGreaterThanOrEqual(24 - 1e-9);
    expect((out[0] + out[1]) / 2).toBeCloseTo(0.5);
  });
});

describe('fastLayout', () => {
  const box = { width: 100, height: 40 };
  const opts = { nodesep: 10, ranksep: 30 };

  it('ranks by longest path and centres a fan-out under its root', () => {
    // 0 → 1, 2, 3 → 4, and 0 → 4 directly (a long edge).
    const r = fastLayout(
      Array(5).fill(box),
      [
        [0, 1],
        [0, 2],
        [0, 3],
        [1, 4],
        [2, 4],
        [3, 4],
        [0, 4],
      ],
      opts,
    );
    expect([...r.rank]).toEqual([0, 1, 1, 1, 2]);
    expect(r.x[0]).toBeCloseTo(r.x[2]);
    expect(r.x[4]).toBeCloseTo(r.x[0]);
    expect(r.y[1]).toBe(r.y[2]);
    expect(r.y[4] - r.y[1]).toBe(70);
    expect(r.width).toBe(320);
    expect(r.height).toBe(40 * 3 + 30 * 2);
  });

  it('puts a root that feeds a deep step just above it', () => {
    const r = fastLayout(
      Array(4).fill(box),
      [
        [0, 1],
        [1, 2],
        [3, 2],
      ],
      opts,
    );
    expect([...r.rank]).toEqual([0, 1, 2, 1]);
  });

  it('ignores self edges, edges out of range and edges closing a cycle', () => {
    const r = fastLayout(
      Array(3).fill(box),
      [
        [0, 0],
        [0, 9],
        [0, 1],
        [1, 2],
        [2, 0],
      ],
      opts,
    );
    expect([...r.rank]).toEqual([0, 1, 2]);
  });

  it('handles no nodes', () => {
    expect(fastLayout([], [], opts)).toMatchObject({ width: 0, height: 0 });
  });
});

import { describe, expect, it } from '@jest/globals';
import { MAX_SCALE, fitView, initialView, toWorld, zoomAt } from './view';

describe('view', () => {
  it('fits a drawing centred, never enlarging a small one', () => {
    const v = fitView({ width: 100, height: 50 }, 800, 600);
    expect(v.scale).toBe(1);
    expect(v).toMatchObject({ tx: 350, ty: 275 });
    const big = fitView({ width: 10_000, height: 1000 }, 1032, 600);
    expect(big.scale).toBeCloseTo(0.1);
  });

  it('starts a huge drawing at its top, readable, instead of fitting it', () => {
    const v = initialView({ width: 200, height: 900_000 }, 800, 600, 100);
    expect(v.scale).toBeGreaterThan(0.5);
    expect(toWorld(v, 400, 0).x).toBeCloseTo(100);
  });

  it('zooms about the pointer and within bounds', () => {
    const v = { scale: 1, tx: 10, ty: 20 };
    const z = zoomAt(v, 2, 110, 120, 0.01);
    expect(toWorld(z, 110, 120)).toEqual(toWorld(v, 110, 120));
    expect(zoomAt(v, 1000, 0, 0, 0.01).scale).toBe(MAX_SCALE);
    expect(zoomAt(v, 1e-6, 0, 0, 0.01).scale).toBe(0.01);
  });
});

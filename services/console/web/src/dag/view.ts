// The view transform of the DAG: screen = world × scale + (tx, ty). Pure.

export interface View {
  scale: number;
  tx: number;
  ty: number;
}

export const MAX_SCALE = 2.5;
/** Below this a node is too small to read: the drawing leaves out text. */
export const TEXT_SCALE = 0.35;
/** Around the drawing when it is fitted to the view. */
const MARGIN = 16;

/** The scale that shows the whole drawing (never above 1: small graphs are not blown up). */
export function fitScale(world: { width: number; height: number }, w: number, h: number): number {
  const sx = (w - 2 * MARGIN) / Math.max(world.width, 1);
  const sy = (h - 2 * MARGIN) / Math.max(world.height, 1);
  return Math.max(Math.min(sx, sy, 1), 1e-4);
}

/** The whole drawing, centred. */
export function fitView(world: { width: number; height: number }, w: number, h: number): View {
  const scale = fitScale(world, w, h);
  return { scale, tx: (w - world.width * scale) / 2, ty: (h - world.height * scale) / 2 };
}

/**
 * The first view: the whole drawing when it stays readable, else its top (where a run starts) at a
 * readable scale, centred on the given x (the first step).
 */
export function initialView(
  world: { width: number; height: number },
  w: number,
  h: number,
  focusX: number,
): View {
  const fit = fitView(world, w, h);
  if (fit.scale >= TEXT_SCALE) return fit;
  const scale = 0.7;
  return { scale, tx: w / 2 - focusX * scale, ty: MARGIN };
}

/** Zooms by `factor` keeping the world point under (sx, sy) in place. */
export function zoomAt(v: View, factor: number, sx: number, sy: number, minScale: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(minScale, v.scale * factor));
  const k = scale / v.scale;
  return { scale, tx: sx - (sx - v.tx) * k, ty: sy - (sy - v.ty) * k };
}

/** The view centred on a world point at a readable scale. */
export function centreOn(v: View, x: number, y: number, w: number, h: number): View {
  const scale = Math.max(v.scale, 0.8);
  return { scale, tx: w / 2 - x * scale, ty: h / 2 - y * scale };
}

export function toWorld(v: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.tx) / v.scale, y: (sy - v.ty) / v.scale };
}

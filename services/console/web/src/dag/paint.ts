// Draws a scene on a canvas: only what is in view, and less detail the further out the zoom (no
// text below TEXT_SCALE, plain rectangles batched by colour when boxes are a few pixels tall), so a
// frame of 10,000 steps stays a few milliseconds.
import type { Scene, SceneNode } from './graph';
import { GROUP_HEADER, LABEL_HEIGHT, NODE_HEIGHT, toggleBox } from './graph';
import { subtitle } from './labels';
import { STATUS_GROUPS, type StatusGroup, countsByGroup, statusGroup } from './status';
import { TEXT_SCALE, type View } from './view';

export interface Swatch {
  stroke: string;
  fill: string;
}

export interface Palette {
  fg: string;
  muted: string;
  line: string;
  bg: string;
  panel: string;
  accent: string;
  /** A step with no status (a definition, not a run). */
  plain: Swatch;
  groups: Record<StatusGroup, Swatch>;
}

// The light theme of app.css; read from its custom properties when the page defines them.
const DEFAULTS: Record<string, string> = {
  fg: '#1d2330',
  muted: '#6b7280',
  line: '#d1d5db',
  bg: '#ffffff',
  panel: '#f8fafc',
  accent: '#2563eb',
  ok: '#15803d',
  'ok-bg': '#dcfce7',
  fail: '#b91c1c',
  'fail-bg': '#fee2e2',
  active: '#1d4ed8',
  'active-bg': '#dbeafe',
  passed: '#6b7280',
  'passed-bg': '#f3f4f6',
  waiting: '#7e22ce',
  'waiting-bg': '#f3e8ff',
  attention: '#a16207',
  'attention-bg': '#fef3c7',
};

/** The colours of the page (its CSS custom properties), so the drawing follows the theme. */
export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(`--${name}`).trim() || DEFAULTS[name];
  const groups = {} as Record<StatusGroup, Swatch>;
  for (const g of STATUS_GROUPS) groups[g] = { stroke: v(g), fill: v(`${g}-bg`) };
  return {
    fg: v('fg'),
    muted: v('muted'),
    line: v('line'),
    bg: v('bg'),
    panel: v('panel'),
    accent: v('accent'),
    plain: { stroke: v('muted'), fill: v('bg') },
    groups,
  };
}

export interface PaintInput {
  scene: Scene;
  view: View;
  /** Canvas size in CSS pixels, and device pixels per CSS pixel. */
  width: number;
  height: number;
  dpr: number;
  palette: Palette;
  statuses?: Record<string, string>;
  iterationCounts?: Record<string, Record<string, string | number>>;
  selected?: string;
  hovered?: number;
}

export interface PaintResult {
  /** Indices of the step boxes in view. */
  nodes: number[];
  /** Indices of the labelled edges whose label is in view. */
  labels: number[];
}

const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

export function paint(ctx: CanvasRenderingContext2D, p: PaintInput): PaintResult {
  const { scene, view, palette } = p;
  const s = view.scale;
  ctx.setTransform(p.dpr, 0, 0, p.dpr, 0, 0);
  ctx.clearRect(0, 0, p.width, p.height);
  ctx.setTransform(p.dpr * s, 0, 0, p.dpr * s, p.dpr * view.tx, p.dpr * view.ty);
  // The world rectangle in view.
  const x0 = -view.tx / s;
  const y0 = -view.ty / s;
  const x1 = (p.width - view.tx) / s;
  const y1 = (p.height - view.ty) / s;
  const px = 1 / s; // one screen pixel in world units

  const visible: number[] = [];
  for (let i = 0; i < scene.nodes.length; i++) {
    const n = scene.nodes[i];
    if (n.x > x1 || n.y > y1 || n.x + n.width < x0 || n.y + n.height < y0) continue;
    visible.push(i);
  }
  const detail = s >= TEXT_SCALE;
  const tiny = NODE_HEIGHT * s < 8;
  const statusOf = (n: SceneNode) => p.statuses?.[n.step.path];
  const swatch = (n: SceneNode): Swatch => {
    const st = statusOf(n);
    return st ? palette.groups[statusGroup(st)] : palette.plain;
  };

  // Open groups first: their steps and edges draw over them.
  for (const i of visible) {
    const n = scene.nodes[i];
    if (!n.expanded) continue;
    const sw = swatch(n);
    ctx.fillStyle = palette.panel;
    ctx.strokeStyle = statusOf(n) ? sw.stroke : palette.line;
    ctx.lineWidth = Math.max(1, px);
    ctx.setLineDash([6 * Math.max(1, px), 4 * Math.max(1, px)]);
    ctx.beginPath();
    ctx.roundRect(n.x, n.y, n.width, n.height, 8);
    ctx.fill();
    ctx.stroke();
    ctx.setLineDash([]);
    if (detail) {
      drawToggle(ctx, n, palette, true);
      ctx.fillStyle = palette.fg;
      ctx.font = `600 13px ${FONT}`;
      ctx.textBaseline = 'middle';
      const t = toggleBox(n);
      ctx.fillText(
        fit(
          ctx,
          `${n.step.id} · ${subtitle(n.step, statusOf(n), p.iterationCounts?.[n.step.path])}`,
          t.x - n.x - 18,
        ),
        n.x + 12,
        n.y + GROUP_HEADER / 2,
      );
    }
    if (p.selected === n.step.path) outline(ctx, n, palette.accent, 3 * Math.max(1, px));
  }

  // Edges: one path for the unconditional ones, one dashed for the conditional ones.
  const labels: number[] = [];
  const lw = Math.max(1.25, px);
  for (const conditional of [false, true]) {
    ctx.beginPath();
    let any = false;
    for (let k = 0; k < scene.edges.length; k++) {
      const e = scene.edges[k];
      if (e.box.x0 > x1 || e.box.y0 > y1 || e.box.x1 < x0 || e.box.y1 < y0) continue;
      if ((e.condition.trim() !== 'true') !== conditional) continue;
      any = true;
      curve(ctx, e.points);
      if (e.label) labels.push(k);
    }
    if (!any) continue;
    ctx.strokeStyle = palette.muted;
    ctx.lineWidth = lw;
    ctx.setLineDash(conditional ? [5 * Math.max(1, px), 3 * Math.max(1, px)] : []);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  if (s >= 0.25) {
    ctx.beginPath();
    for (const e of scene.edges) {
      if (e.box.x0 > x1 || e.box.y0 > y1 || e.box.x1 < x0 || e.box.y1 < y0) continue;
      arrowHead(ctx, e.points);
    }
    ctx.fillStyle = palette.muted;
    ctx.fill();
  }

  // Step boxes.
  if (tiny) {
    // A few pixels each: rectangles in one path per colour.
    const byFill = new Map<string, SceneNode[]>();
    for (const i of visible) {
      const n = scene.nodes[i];
      if (n.expanded) continue;
      const sw = swatch(n);
      const key = statusOf(n) ? sw.stroke : palette.muted;
      const list = byFill.get(key);
      if (list) list.push(n);
      else byFill.set(key, [n]);
    }
    for (const [fill, list] of byFill) {
      ctx.beginPath();
      for (const n of list) ctx.rect(n.x, n.y, n.width, n.height);
      ctx.fillStyle = fill;
      ctx.fill();
    }
  } else {
    for (const i of visible) {
      const n = scene.nodes[i];
      if (n.expanded) continue;
      drawNode(ctx, n, p, swatch(n), detail, px, i === p.hovered);
    }
  }

  if (detail && labels.length) {
    ctx.font = `11px ${FONT}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    for (const k of labels) {
      const l = scene.edges[k].label!;
      ctx.beginPath();
      ctx.roundRect(l.x - l.width / 2, l.y - LABEL_HEIGHT / 2, l.width, LABEL_HEIGHT, 4);
      ctx.fillStyle = palette.bg;
      ctx.fill();
      ctx.strokeStyle = palette.line;
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.fillStyle = palette.fg;
      ctx.fillText(l.text, l.x, l.y + 0.5);
    }
    ctx.textAlign = 'start';
  }
  return { nodes: visible, labels: detail ? labels : [] };
}

function drawNode(
  ctx: CanvasRenderingContext2D,
  n: SceneNode,
  p: PaintInput,
  sw: Swatch,
  detail: boolean,
  px: number,
  hovered: boolean,
): void {
  const { palette } = p;
  const status = p.statuses?.[n.step.path];
  ctx.beginPath();
  ctx.roundRect(n.x, n.y, n.width, n.height, 6);
  ctx.fillStyle = sw.fill;
  ctx.fill();
  ctx.strokeStyle = hovered ? palette.accent : status ? sw.stroke : palette.line;
  ctx.lineWidth = Math.max(1, px);
  ctx.stroke();
  // The status bar on the left edge (or the kind's, for a definition).
  ctx.fillStyle = status ? sw.stroke : n.expandable ? palette.accent : palette.line;
  ctx.fillRect(n.x + 1, n.y + 4, 4, n.height - 8);
  const counts = p.iterationCounts?.[n.step.path];
  if (counts) progressBar(ctx, n, counts, palette);
  if (p.selected === n.step.path) outline(ctx, n, palette.accent, 3 * Math.max(1, px));
  if (!detail) return;
  if (n.expandable) drawToggle(ctx, n, palette, false);
  const textWidth = n.width - 22 - (n.expandable ? 26 : 0);
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = palette.fg;
  ctx.font = `600 13px ${FONT}`;
  ctx.fillText(fit(ctx, n.step.id, textWidth), n.x + 12, n.y + 19);
  ctx.fillStyle = palette.muted;
  ctx.font = `12px ${FONT}`;
  ctx.fillText(fit(ctx, subtitle(n.step, status, counts), textWidth), n.x + 12, n.y + 36);
}

/** A loop's iterations by status group, as a bar along the bottom of its box. */
function progressBar(
  ctx: CanvasRenderingContext2D,
  n: SceneNode,
  counts: Record<string, string | number>,
  palette: Palette,
): void {
  const c = countsByGroup(counts);
  if (c.total === 0) return;
  let x = n.x + 6;
  const w = n.width - 12;
  for (const [g, k] of c.groups) {
    const seg = (w * k) / c.total;
    ctx.fillStyle = palette.groups[g].stroke;
    ctx.fillRect(x, n.y + n.height - 5, seg, 3);
    x += seg;
  }
}

function drawToggle(ctx: CanvasRenderingContext2D, n: SceneNode, palette: Palette, open: boolean): void {
  const t = toggleBox(n);
  ctx.beginPath();
  ctx.roundRect(t.x, t.y, t.size, t.size, 3);
  ctx.fillStyle = palette.bg;
  ctx.fill();
  ctx.strokeStyle = palette.muted;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.beginPath();
  const cx = t.x + t.size / 2;
  const cy = t.y + t.size / 2;
  ctx.moveTo(cx - 5, cy);
  ctx.lineTo(cx + 5, cy);
  if (!open) {
    ctx.moveTo(cx, cy - 5);
    ctx.lineTo(cx, cy + 5);
  }
  ctx.strokeStyle = palette.fg;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

function outline(ctx: CanvasRenderingContext2D, n: SceneNode, colour: string, width: number): void {
  ctx.beginPath();
  ctx.roundRect(n.x - 2, n.y - 2, n.width + 4, n.height + 4, 8);
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

/** A smooth curve through the points: an S-curve for two, quadratic pieces through midpoints beyond. */
function curve(ctx: CanvasRenderingContext2D, pts: { x: number; y: number }[]): void {
  const a = pts[0];
  ctx.moveTo(a.x, a.y);
  if (pts.length === 2) {
    const b = pts[1];
    const dy = Math.max(20, Math.abs(b.y - a.y) / 2);
    ctx.bezierCurveTo(a.x, a.y + dy, b.x, b.y - dy, b.x, b.y);
    return;
  }
  for (let i = 1; i < pts.length - 1; i++) {
    const mx = (pts[i].x + pts[i + 1].x) / 2;
    const my = (pts[i].y + pts[i + 1].y) / 2;
    ctx.quadraticCurveTo(
      pts[i].x,
      pts[i].y,
      i === pts.length - 2 ? pts[i + 1].x : mx,
      i === pts.length - 2 ? pts[i + 1].y : my,
    );
  }
}

function arrowHead(ctx: CanvasRenderingContext2D, pts: { x: number; y: number }[]): void {
  const b = pts[pts.length - 1];
  // Every curve ends heading down (an S-curve's last control point is straight above its end).
  const from = pts.length === 2 ? { x: b.x, y: b.y - 1 } : pts[pts.length - 2];
  const ang = Math.atan2(b.y - from.y, b.x - from.x);
  const len = 8;
  ctx.moveTo(b.x, b.y);
  ctx.lineTo(b.x - len * Math.cos(ang - 0.4), b.y - len * Math.sin(ang - 0.4));
  ctx.lineTo(b.x - len * Math.cos(ang + 0.4), b.y - len * Math.sin(ang + 0.4));
  ctx.closePath();
}

// Cut text is measured once per (font, width, text): measureText is the slow part of a frame.
const fitted = new Map<string, string>();

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  const key = `${ctx.font}|${width}|${text}`;
  const hit = fitted.get(key);
  if (hit !== undefined) return hit;
  let out = text;
  if (ctx.measureText(text).width > width) {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
      else hi = mid - 1;
    }
    out = `${text.slice(0, lo)}…`;
  }
  if (fitted.size > 20_000) fitted.clear();
  fitted.set(key, out);
  return out;
}

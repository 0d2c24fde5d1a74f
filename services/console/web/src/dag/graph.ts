// The scene the DAG draws: every visible step as a box and every edge as a curve, in one coordinate
// space (pixels at zoom 1, top-left at 0,0). Each nesting level is laid out on its own (successors
// only ever name steps of the same level), inner levels first, so an expanded foreach/while/
// subworkflow is one big box in its parent's layout with its own layout inside. A level of up to
// DAGRE_MAX_NODES steps is laid out by dagre (routed edges, room for labels); bigger ones by
// fast-layout.ts (dagre takes seconds there). Pure: no DOM, so unit tests run it in Node.
import { Graph, layout as dagreLayout } from '@dagrejs/dagre';
import { type DagStep, isAlways } from './definition';
import { fastLayout } from './fast-layout';

export interface Point {
  x: number;
  y: number;
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 46;
/** Inside an expanded group: the header band (its title and toggle) and the padding around its steps. */
export const GROUP_HEADER = 34;
export const GROUP_PAD = 14;
/** An open group is at least this wide, for its title. */
const GROUP_MIN_WIDTH = 280;
const NODESEP = 24;
const RANKSEP = 44;
/** Edge labels show this many characters of the SEL condition; the whole text is in a tooltip. */
export const LABEL_CHARS = 28;
const LABEL_HEIGHT = 16;
const LABEL_CHAR_WIDTH = 6.4;
/** Levels with more steps (or edges) than these go to the fast layout. */
export const DAGRE_MAX_NODES = 150;
export const DAGRE_MAX_EDGES = 300;

export interface SceneNode {
  step: DagStep;
  /** Top-left corner and size. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** A foreach/while with steps, or a subworkflow whose child definition was given. */
  expandable: boolean;
  expanded: boolean;
  /** 0 for top-level steps. */
  depth: number;
  /** Index of the enclosing expanded group in Scene.nodes, or -1. */
  parent: number;
}

export interface SceneEdge {
  /** Paths of the two steps. */
  from: string;
  to: string;
  /** The SEL condition (`"true"` when unconditional). */
  condition: string;
  /** At least two points, from the source's border to the target's. */
  points: Point[];
  /** The label's centre and text (the condition, cut to LABEL_CHARS), for conditional edges. */
  label?: { x: number; y: number; width: number; text: string };
  /** Bounding box of the points (and label), to skip edges out of view. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface Scene {
  /** Pre-order: an expanded group comes before the steps inside it. */
  nodes: SceneNode[];
  edges: SceneEdge[];
  width: number;
  height: number;
  byPath: Map<string, number>;
  /** Levels laid out by each engine (a test and the page's footer show which ran). */
  engines: { dagre: number; fast: number };
}

export interface SceneOptions {
  /** Paths of the groups drawn open. Groups are closed unless named here. */
  expanded?: ReadonlySet<string>;
  /** The steps of a subworkflow's child definition, by the subworkflow step's path. */
  children?: ReadonlyMap<string, DagStep[]>;
  /** Label conditional edges with their SEL (default true). */
  conditionLabels?: boolean;
}

/** A condition shortened for an edge label. */
export function labelText(condition: string): string {
  const flat = condition.replace(/\s+/g, ' ').trim();
  return flat.length > LABEL_CHARS ? `${flat.slice(0, LABEL_CHARS - 1)}…` : flat;
}

/** The steps drawn inside a step when it is expanded, if it can be. */
export function innerSteps(step: DagStep, children?: ReadonlyMap<string, DagStep[]>): DagStep[] | undefined {
  if (step.kind === 'foreach' || step.kind === 'while') return step.steps?.length ? step.steps : undefined;
  if (step.kind === 'subworkflow') {
    const inner = children?.get(step.path);
    return inner?.length ? inner : undefined;
  }
  return undefined;
}

interface Block {
  nodes: SceneNode[];
  edges: SceneEdge[];
  width: number;
  height: number;
}

interface Ctx {
  expanded: ReadonlySet<string>;
  children?: ReadonlyMap<string, DagStep[]>;
  labels: boolean;
  engines: { dagre: number; fast: number };
}

/** Lays out the visible steps of a workflow. */
export function buildScene(steps: readonly DagStep[], opts: SceneOptions = {}): Scene {
  const ctx: Ctx = {
    expanded: opts.expanded ?? new Set(),
    children: opts.children,
    labels: opts.conditionLabels !== false,
    engines: { dagre: 0, fast: 0 },
  };
  const block = layoutLevel(steps, 0, ctx);
  const byPath = new Map<string, number>();
  block.nodes.forEach((n, i) => {
    byPath.set(n.step.path, i);
  });
  return { ...block, byPath, engines: ctx.engines };
}

interface Item {
  step: DagStep;
  width: number;
  height: number;
  expandable: boolean;
  inner?: Block;
}

function layoutLevel(steps: readonly DagStep[], depth: number, ctx: Ctx): Block {
  const items: Item[] = steps.map((step) => {
    const inner = innerSteps(step, ctx.children);
    if (!inner) return { step, width: NODE_WIDTH, height: NODE_HEIGHT, expandable: false };
    if (!ctx.expanded.has(step.path))
      return { step, width: NODE_WIDTH, height: NODE_HEIGHT, expandable: true };
    const block = layoutLevel(inner, depth + 1, ctx);
    return {
      step,
      width: Math.max(GROUP_MIN_WIDTH, block.width + 2 * GROUP_PAD),
      height: block.height + GROUP_HEADER + GROUP_PAD,
      expandable: true,
      inner: block,
    };
  });
  const index = new Map<string, number>();
  items.forEach((it, i) => {
    index.set(it.step.id, i);
  });
  const links: { from: number; to: number; condition: string; label?: string }[] = [];
  items.forEach((it, i) => {
    for (const s of it.step.successors) {
      const j = index.get(s.to);
      // A successor naming no step of this level is a validation error; draw what exists.
      if (j === undefined || j === i) continue;
      links.push({
        from: i,
        to: j,
        condition: s.condition,
        label: ctx.labels && !isAlways(s.condition) ? labelText(s.condition) : undefined,
      });
    }
  });

  const centres: Point[] = [];
  const routes: { points: Point[]; label?: Point }[] = [];
  let width: number;
  let height: number;
  if (items.length <= DAGRE_MAX_NODES && links.length <= DAGRE_MAX_EDGES) {
    ctx.engines.dagre++;
    const g = new Graph({ multigraph: false });
    g.setGraph({ rankdir: 'TB', nodesep: NODESEP, ranksep: RANKSEP, edgesep: 12, marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(() => ({}));
    // Node names are indices: ids are the user's text, and graphlib keeps names in plain objects.
    items.forEach((it, i) => {
      g.setNode(String(i), { width: it.width, height: it.height });
    });
    for (const l of links)
      g.setEdge(
        String(l.from),
        String(l.to),
        l.label ? { width: labelWidth(l.label), height: LABEL_HEIGHT, labelpos: 'c' } : {},
      );
    dagreLayout(g);
    items.forEach((_, i) => {
      const n = g.node(String(i));
      centres.push({ x: n.x ?? 0, y: n.y ?? 0 });
    });
    for (const l of links) {
      const e = g.edge(String(l.from), String(l.to));
      const points = ((e.points ?? []) as Point[]).map((p) => ({ x: p.x, y: p.y }));
      routes.push({
        points: points.length >= 2 ? points : straight(items, centres, l.from, l.to),
        label: l.label && e.x !== undefined && e.y !== undefined ? { x: e.x, y: e.y } : undefined,
      });
    }
    const graph = g.graph();
    width = graph.width ?? 0;
    height = graph.height ?? 0;
  } else {
    ctx.engines.fast++;
    const r = fastLayout(
      items,
      links.map((l) => [l.from, l.to] as const),
      {
        nodesep: NODESEP,
        ranksep: ctx.labels && links.some((l) => l.label) ? RANKSEP + LABEL_HEIGHT : RANKSEP,
      },
    );
    items.forEach((_, i) => {
      centres.push({ x: r.x[i], y: r.y[i] });
    });
    for (const l of links) {
      const points = straight(items, centres, l.from, l.to);
      const a = points[0];
      const b = points[points.length - 1];
      routes.push({ points, label: l.label ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : undefined });
    }
    width = r.width;
    height = r.height;
  }

  const nodes: SceneNode[] = [];
  const edges: SceneEdge[] = [];
  items.forEach((it, i) => {
    const x = centres[i].x - it.width / 2;
    const y = centres[i].y - it.height / 2;
    const self = nodes.length;
    nodes.push({
      step: it.step,
      x,
      y,
      width: it.width,
      height: it.height,
      expandable: it.expandable,
      expanded: it.inner !== undefined,
      depth,
      parent: -1,
    });
    if (!it.inner) return;
    // Centre the inner drawing under the header when the group is wider than it (a short title).
    const dx = x + (it.width - it.inner.width) / 2;
    const dy = y + GROUP_HEADER;
    for (const n of it.inner.nodes)
      nodes.push({ ...n, x: n.x + dx, y: n.y + dy, parent: n.parent === -1 ? self : n.parent + self + 1 });
    for (const e of it.inner.edges) edges.push(moveEdge(e, dx, dy));
  });
  links.forEach((l, k) => {
    const { points, label } = routes[k];
    edges.push(
      withBox({
        from: items[l.from].step.path,
        to: items[l.to].step.path,
        condition: l.condition,
        points,
        label: label && l.label ? { ...label, width: labelWidth(l.label), text: l.label } : undefined,
      }),
    );
  });
  return { nodes, edges, width, height };
}

function labelWidth(text: string): number {
  return Math.ceil(text.length * LABEL_CHAR_WIDTH) + 10;
}

/** From the bottom middle of one box to the top middle of the other. */
function straight(items: Item[], centres: Point[], from: number, to: number): Point[] {
  return [
    { x: centres[from].x, y: centres[from].y + items[from].height / 2 },
    { x: centres[to].x, y: centres[to].y - items[to].height / 2 },
  ];
}

function moveEdge(e: SceneEdge, dx: number, dy: number): SceneEdge {
  return {
    ...e,
    points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })),
    label: e.label ? { ...e.label, x: e.label.x + dx, y: e.label.y + dy } : undefined,
    box: { x0: e.box.x0 + dx, y0: e.box.y0 + dy, x1: e.box.x1 + dx, y1: e.box.y1 + dy },
  };
}

function withBox(e: Omit<SceneEdge, 'box'>): SceneEdge {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const p of e.points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  if (e.label) {
    x0 = Math.min(x0, e.label.x - e.label.width / 2);
    x1 = Math.max(x1, e.label.x + e.label.width / 2);
    y0 = Math.min(y0, e.label.y - LABEL_HEIGHT / 2);
    y1 = Math.max(y1, e.label.y + LABEL_HEIGHT / 2);
  }
  return { ...e, box: { x0, y0, x1, y1 } };
}

/** Where a point falls: the innermost step box under it, and whether on its expand/collapse toggle. */
export function hitTest(scene: Scene, x: number, y: number): { index: number; toggle: boolean } | undefined {
  // Pre-order: the last box containing the point is the innermost.
  for (let i = scene.nodes.length - 1; i >= 0; i--) {
    const n = scene.nodes[i];
    if (x < n.x || y < n.y || x > n.x + n.width || y > n.y + n.height) continue;
    // Inside an open group only its header is the group's own; the rest is its background.
    if (n.expanded && y > n.y + GROUP_HEADER) continue;
    const t = toggleBox(n);
    const toggle = n.expandable && x >= t.x && x <= t.x + t.size && y >= t.y && y <= t.y + t.size;
    return { index: i, toggle };
  }
  return undefined;
}

/** The expand/collapse toggle: a small square at the right end of a node or group header. */
export function toggleBox(n: SceneNode): { x: number; y: number; size: number } {
  const size = 18;
  const band = n.expanded ? GROUP_HEADER : n.height;
  return { x: n.x + n.width - size - 8, y: n.y + (Math.min(band, NODE_HEIGHT) - size) / 2, size };
}

/** The edge label under a point, if any (for its full condition). */
export function labelAt(scene: Scene, x: number, y: number): SceneEdge | undefined {
  for (const e of scene.edges) {
    const l = e.label;
    if (l && Math.abs(x - l.x) <= l.width / 2 && Math.abs(y - l.y) <= LABEL_HEIGHT / 2) return e;
  }
  return undefined;
}

export { LABEL_HEIGHT };

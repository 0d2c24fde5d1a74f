// A layered (Sugiyama-style) layout in near-linear time, for graphs too big for dagre: dagre takes
// seconds on a thousand nodes and overflows its stack on a chain of a few thousand, while a
// definition may hold 10,000 steps. The phases are the classic ones, each kept cheap:
//   ranks       longest path from the roots (Kahn's order), roots pulled down next to their successors;
//   order       barycentre sweeps, down, up and down again (a sort per rank);
//   x           each rank placed at the mean x of its neighbours, overlaps removed by isotonic
//               regression (pool adjacent violators: the least-squares shift that keeps the gaps);
//   y           ranks stacked top to bottom.
// Long edges get no dummy nodes (their count could be quadratic): they are drawn as curves between
// their ends. Pure: no DOM.

export interface FastNode {
  width: number;
  height: number;
}

export interface FastOptions {
  /** Horizontal gap between nodes of a rank. */
  nodesep: number;
  /** Vertical gap between ranks. */
  ranksep: number;
}

export interface FastResult {
  /** Centres, with the drawing's top-left corner at (0, 0). */
  x: Float64Array;
  y: Float64Array;
  rank: Int32Array;
  width: number;
  height: number;
}

/** Lays out nodes 0..n-1 with edges [from, to]; edges that would close a cycle are ignored. */
export function fastLayout(
  nodes: readonly FastNode[],
  edges: readonly (readonly [number, number])[],
  opts: FastOptions,
): FastResult {
  const n = nodes.length;
  const succ: number[][] = Array.from({ length: n }, () => []);
  const pred: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n) continue;
    succ[a].push(b);
    pred[b].push(a);
  }

  // Topological order (Kahn, first-in first-out: definition order among the ready ones).
  const indeg = new Int32Array(n);
  for (let v = 0; v < n; v++) indeg[v] = pred[v].length;
  const topo: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) topo.push(v);
  for (let i = 0; i < topo.length; i++) for (const w of succ[topo[i]]) if (--indeg[w] === 0) topo.push(w);
  const cyclic = topo.length < n;
  if (cyclic) {
    // A cycle (validation refuses them; tolerate it): the rest in definition order.
    const placed = new Uint8Array(n);
    for (const v of topo) placed[v] = 1;
    for (let v = 0; v < n; v++) if (!placed[v]) topo.push(v);
  }
  const pos = new Int32Array(n);
  topo.forEach((v, i) => {
    pos[v] = i;
  });
  // Only edges going forward in that order count from here on (all of them in a DAG).
  if (cyclic) {
    for (let v = 0; v < n; v++) {
      succ[v] = succ[v].filter((w) => pos[w] > pos[v]);
      pred[v] = pred[v].filter((u) => pos[u] < pos[v]);
    }
  }

  const rank = new Int32Array(n);
  for (const v of topo) {
    let r = 0;
    for (const u of pred[v]) if (rank[u] + 1 > r) r = rank[u] + 1;
    rank[v] = r;
  }
  // A root that feeds only deep steps sits just above the first of them, not at the top.
  for (let i = n - 1; i >= 0; i--) {
    const v = topo[i];
    if (pred[v].length > 0 || succ[v].length === 0) continue;
    let r = Number.MAX_SAFE_INTEGER;
    for (const w of succ[v]) r = Math.min(r, rank[w] - 1);
    rank[v] = Math.max(0, r);
  }

  let ranks = 0;
  for (let v = 0; v < n; v++) ranks = Math.max(ranks, rank[v] + 1);
  const layers: number[][] = Array.from({ length: ranks }, () => []);
  for (const v of topo) layers[rank[v]].push(v);

  // Order within ranks: barycentres of the neighbours' relative positions.
  const rel = new Float64Array(n);
  const setRel = (layer: number[]) => {
    for (let i = 0; i < layer.length; i++) rel[layer[i]] = (i + 0.5) / layer.length;
  };
  for (const layer of layers) setRel(layer);
  const key = new Float64Array(n);
  const sweep = (down: boolean) => {
    for (let k = 0; k < ranks; k++) {
      const layer = layers[down ? k : ranks - 1 - k];
      for (const v of layer) {
        const nb = down ? pred[v] : succ[v];
        if (nb.length === 0) {
          key[v] = rel[v];
          continue;
        }
        let s = 0;
        for (const u of nb) s += rel[u];
        key[v] = s / nb.length;
      }
      if (layer.length > 1) {
        layer.sort((a, b) => key[a] - key[b] || rel[a] - rel[b]);
        setRel(layer);
      }
    }
  };
  sweep(true);
  sweep(false);
  sweep(true);

  // x: start packed and centred, then pull each rank towards its neighbours.
  const x = new Float64Array(n);
  for (const layer of layers) {
    let cursor = 0;
    for (const v of layer) {
      x[v] = cursor + nodes[v].width / 2;
      cursor += nodes[v].width + opts.nodesep;
    }
    const shift = (cursor - opts.nodesep) / 2;
    for (const v of layer) x[v] -= shift;
  }
  const place = (down: boolean) => {
    for (let k = 0; k < ranks; k++) {
      const layer = layers[down ? k : ranks - 1 - k];
      if (layer.length === 1) {
        // Alone in its rank (every step of a chain): straight under (or over) its neighbours.
        const v = layer[0];
        const nb = down ? pred[v] : succ[v];
        if (nb.length > 0) {
          let s = 0;
          for (const u of nb) s += x[u];
          x[v] = s / nb.length;
        }
        continue;
      }
      const desired = layer.map((v) => {
        const nb = down ? pred[v] : succ[v];
        if (nb.length === 0) return x[v];
        let s = 0;
        for (const u of nb) s += x[u];
        return s / nb.length;
      });
      const placed = spread(
        desired,
        layer.map((v) => nodes[v].width),
        opts.nodesep,
      );
      layer.forEach((v, i) => {
        x[v] = placed[i];
      });
    }
  };
  place(true);
  place(false);
  place(true);

  const y = new Float64Array(n);
  let top = 0;
  for (const layer of layers) {
    let h = 0;
    for (const v of layer) h = Math.max(h, nodes[v].height);
    for (const v of layer) y[v] = top + h / 2;
    top += h + opts.ranksep;
  }

  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < n; v++) {
    minX = Math.min(minX, x[v] - nodes[v].width / 2);
    maxX = Math.max(maxX, x[v] + nodes[v].width / 2);
  }
  if (n > 0) for (let v = 0; v < n; v++) x[v] -= minX;
  return { x, y, rank, width: n > 0 ? maxX - minX : 0, height: n > 0 ? top - opts.ranksep : 0 };
}

/**
 * Centres for boxes of the given widths, in this order, at least `gap` apart, as close as can be to
 * the desired centres (least squares): with c the running sum of the minimum distances, x − c must
 * not decrease, so x = c + the isotonic regression of (desired − c), found by pooling adjacent
 * violators in one pass.
 */
export function spread(desired: readonly number[], widths: readonly number[], gap: number): number[] {
  const m = desired.length;
  const offset = new Float64Array(m);
  for (let i = 1; i < m; i++) offset[i] = offset[i - 1] + (widths[i - 1] + widths[i]) / 2 + gap;
  // Blocks of pooled values: sum and count; each block ends at `end`.
  const sums: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < m; i++) {
    sums.push(desired[i] - offset[i]);
    counts.push(1);
    while (sums.length > 1) {
      const j = sums.length - 1;
      if (sums[j - 1] / counts[j - 1] <= sums[j] / counts[j]) break;
      sums[j - 1] += sums[j];
      counts[j - 1] += counts[j];
      sums.pop();
      counts.pop();
    }
  }
  const out: number[] = new Array(m);
  let i = 0;
  for (let b = 0; b < sums.length; b++) {
    const mean = sums[b] / counts[b];
    for (let k = 0; k < counts[b]; k++, i++) out[i] = mean + offset[i];
  }
  return out;
}

// The DAG of a workflow, drawn on a canvas with pan (drag, arrow keys), zoom (wheel, + and -), fit
// (0), click to select a step, and foreach/while/subworkflow groups that open in place.
//
//   import { Dag } from '../dag/dag';
//   <Dag
//     definition={workflow}        // the Maestro `workflow` object (GetWorkflow's definition JSON,
//                                  // parsed), or a push request `{workflow: {...}}`
//     statuses={{ stepId: 'RUNNING', 'loop/inner': 'SUCCEEDED' }}   // optional: step-run statuses by
//                                  // step path (`<parent id>/<child id>` for nested steps); colours
//                                  // the boxes as the CLI colours statuses
//     iterationCounts={{ loop: { total: '1000', succeeded: '950', running: '50' } }} // optional:
//                                  // a foreach/while's StepRunSummary.iterationCounts, by step path;
//                                  // drawn as a progress bar and "950/1,000 iterations ok"
//     subworkflows={{ call: childWorkflow }}  // optional: child definitions by subworkflow step path;
//                                  // a subworkflow opens as a group only when its child is given
//     selected="loop/inner"        // optional: the selected step's path (else the DAG keeps its own)
//     onSelectStep={(stepId, path) => …}     // a click on a step (or Enter on its focused box)
//     conditionLabels={true}       // label conditional edges with their SEL (cut; full on hover)
//     height={520}                 // optional: CSS pixels
//   />
//
// Groups start closed. Every step box in view (up to MAX_OVERLAY) also has a transparent button
// over it carrying `data-step="<path>"`, its tooltip and keyboard focus, so pages and browser
// tests can find and click a step by its path. The outer element gets `data-state="drawn"` (and a
// `baton:dag-drawn` performance mark) once the first frame is on screen: the benchmark waits for it.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type DagStep, readSteps, readStepsUnder, walk } from './definition';
import { buildScene, GROUP_HEADER, hitTest, innerSteps, type Scene } from './graph';
import { tooltip } from './labels';
import { type Palette, paint, readPalette } from './paint';
import { centreOn, fitScale, fitView, initialView, TEXT_SCALE, toWorld, type View, zoomAt } from './view';

export interface DagProps {
  definition: unknown;
  statuses?: Record<string, string>;
  iterationCounts?: Record<string, Record<string, string | number>>;
  subworkflows?: Record<string, unknown>;
  selected?: string;
  onSelectStep?: (stepId: string, path: string) => void;
  conditionLabels?: boolean;
  height?: number;
}

/** Above this many boxes in view there are no per-step buttons (clicks are hit-tested instead). */
const MAX_OVERLAY = 250;

interface Overlay {
  nodes: number[];
  labels: number[];
}

export function Dag(props: DagProps): JSX.Element {
  // A page may hand over a freshly parsed but identical definition on every render: keep the
  // steps (and so the layout, the view and the open groups) while the drawn shape is the same.
  const kept = useRef<{ steps: DagStep[]; shape: string } | undefined>(undefined);
  const steps = useMemo(() => {
    const next = readSteps(props.definition);
    const shape = shapeOf(next);
    if (kept.current?.shape === shape) return kept.current.steps;
    kept.current = { steps: next, shape };
    return next;
  }, [props.definition]);
  const children = useMemo(() => {
    const m = new Map<string, DagStep[]>();
    for (const [path, def] of Object.entries(props.subworkflows ?? {}))
      m.set(path, readStepsUnder(def, path));
    return m;
  }, [props.subworkflows]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const conditionLabels = props.conditionLabels !== false;
  const { scene, layoutMs } = useMemo(() => {
    const t0 = performance.now();
    const scene = buildScene(steps, { expanded, children, conditionLabels });
    return { scene, layoutMs: Math.round(performance.now() - t0) };
  }, [steps, expanded, children, conditionLabels]);
  const total = useMemo(() => {
    let n = 0;
    for (const _ of walk(steps)) n++;
    return n;
  }, [steps]);

  const [ownSelection, setOwnSelection] = useState<string | undefined>(undefined);
  const selected = props.selected ?? ownSelection;
  const stage = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const view = useRef<View | undefined>(undefined);
  const size = useRef({ width: 0, height: 0 });
  const palette = useRef<Palette | undefined>(undefined);
  const hovered = useRef<number | undefined>(undefined);
  const frame = useRef(0);
  const focusAfterLayout = useRef<string | undefined>(undefined);
  const [overlay, setOverlay] = useState<Overlay>({ nodes: [], labels: [] });
  const overlayKey = useRef('');
  const [drawn, setDrawn] = useState(false);
  const latest = useRef({ scene, props, selected });
  latest.current = { scene, props, selected };

  const draw = () => {
    frame.current = 0;
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    const v = view.current;
    if (!c || !ctx || !v || !palette.current) return;
    const { scene, props, selected } = latest.current;
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = size.current;
    const res = paint(ctx, {
      scene,
      view: v,
      width,
      height,
      dpr,
      palette: palette.current,
      statuses: props.statuses,
      iterationCounts: props.iterationCounts,
      selected,
      hovered: hovered.current,
    });
    if (layer.current) layer.current.style.transform = `translate(${v.tx}px, ${v.ty}px) scale(${v.scale})`;
    const next: Overlay =
      v.scale >= TEXT_SCALE && res.nodes.length <= MAX_OVERLAY
        ? { nodes: res.nodes, labels: res.labels.length <= MAX_OVERLAY ? res.labels : [] }
        : { nodes: [], labels: [] };
    const key = `${next.nodes.join(',')}|${next.labels.join(',')}`;
    if (key !== overlayKey.current) {
      overlayKey.current = key;
      setOverlay(next);
    }
  };
  const schedule = () => {
    if (!frame.current) frame.current = requestAnimationFrame(draw);
  };

  // Canvas size follows the stage (device pixels for a sharp drawing).
  useLayoutEffect(() => {
    const el = stage.current;
    const c = canvas.current;
    if (!el || !c) return;
    palette.current = readPalette(el);
    const resize = () => {
      const dpr = window.devicePixelRatio || 1;
      size.current = { width: el.clientWidth, height: el.clientHeight };
      c.width = Math.max(1, Math.round(el.clientWidth * dpr));
      c.height = Math.max(1, Math.round(el.clientHeight * dpr));
      c.style.width = `${el.clientWidth}px`;
      c.style.height = `${el.clientHeight}px`;
      schedule();
    };
    resize();
    const ro = new ResizeObserver(resize);
    ro.observe(el);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const rethemed = () => {
      palette.current = readPalette(el);
      schedule();
    };
    scheme.addEventListener('change', rethemed);
    return () => {
      ro.disconnect();
      scheme.removeEventListener('change', rethemed);
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, []);

  // A new definition starts closed and framed afresh.
  useLayoutEffect(() => {
    view.current = undefined;
    // Keep the same (empty) set when nothing was open: a new one would lay everything out again.
    setExpanded((prev) => (prev.size === 0 ? prev : new Set()));
  }, [steps]);

  // Frame the drawing the first time; after opening or closing a group keep the view as it is.
  useLayoutEffect(() => {
    const { width, height } = size.current;
    if (!view.current) {
      const first = scene.nodes[0];
      view.current = initialView(scene, width, height, first ? first.x + first.width / 2 : 0);
    }
    const focus = focusAfterLayout.current;
    const i = focus === undefined ? undefined : scene.byPath.get(focus);
    if (focus !== undefined && i !== undefined) {
      focusAfterLayout.current = undefined;
      const n = scene.nodes[i];
      view.current = centreOn(view.current, n.x + n.width / 2, n.y + n.height / 2, width, height);
    }
    hovered.current = undefined;
    schedule();
  }, [scene]);

  // Statuses and selection only repaint.
  useEffect(schedule, [props.statuses, props.iterationCounts, selected]);

  // Tell the page (and the benchmark) when the first frame is on screen.
  useEffect(() => {
    if (drawn || !view.current) return;
    let inner = 0;
    const outer = requestAnimationFrame(() => {
      inner = requestAnimationFrame(() => {
        performance.mark('baton:dag-drawn');
        setDrawn(true);
      });
    });
    return () => {
      cancelAnimationFrame(outer);
      cancelAnimationFrame(inner);
    };
  }, [scene, drawn]);

  const toggle = (path: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  };
  const select = (step: DagStep) => {
    setOwnSelection(step.path);
    props.onSelectStep?.(step.id, step.path);
  };
  const minScale = () => Math.min(fitScale(scene, size.current.width, size.current.height) / 2, 0.1);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!view.current) return;
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      view.current = zoomAt(
        view.current,
        Math.exp(-dy * 0.0015),
        e.clientX - r.left,
        e.clientY - r.top,
        minScale(),
      );
      schedule();
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  });

  const drag = useRef<{ x: number; y: number; moved: boolean; id: number } | undefined>(undefined);
  const local = (e: PointerEvent | MouseEvent) => {
    const r = stage.current!.getBoundingClientRect();
    return { sx: e.clientX - r.left, sy: e.clientY - r.top };
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
    stage.current?.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    const v = view.current;
    if (!v) return;
    if (d && d.id === e.pointerId) {
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      if (!d.moved && Math.hypot(dx, dy) < 4) return;
      d.moved = true;
      d.x = e.clientX;
      d.y = e.clientY;
      view.current = { ...v, tx: v.tx + dx, ty: v.ty + dy };
      schedule();
      return;
    }
    const { sx, sy } = local(e);
    const w = toWorld(v, sx, sy);
    const hit = hitTest(scene, w.x, w.y);
    if (hit?.index !== hovered.current) {
      hovered.current = hit?.index;
      if (stage.current) stage.current.style.cursor = hit ? 'pointer' : '';
      schedule();
    }
  };
  const onPointerUp = (e: PointerEvent) => {
    const d = drag.current;
    drag.current = undefined;
    if (!d || d.id !== e.pointerId || d.moved || !view.current) return;
    const { sx, sy } = local(e);
    const w = toWorld(view.current, sx, sy);
    const hit = hitTest(scene, w.x, w.y);
    if (!hit) return;
    const n = scene.nodes[hit.index];
    if (hit.toggle) toggle(n.step.path);
    else select(n.step);
  };
  const onDoubleClick = (e: MouseEvent) => {
    if (!view.current) return;
    const { sx, sy } = local(e);
    const w = toWorld(view.current, sx, sy);
    const hit = hitTest(scene, w.x, w.y);
    if (hit && scene.nodes[hit.index].expandable && !hit.toggle) toggle(scene.nodes[hit.index].step.path);
  };
  const fit = () => {
    view.current = fitView(scene, size.current.width, size.current.height);
    schedule();
  };
  const zoomBy = (factor: number) => {
    if (!view.current) return;
    view.current = zoomAt(view.current, factor, size.current.width / 2, size.current.height / 2, minScale());
    schedule();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const v = view.current;
    if (!v || e.target !== stage.current) return;
    const pan: Record<string, [number, number]> = {
      ArrowLeft: [60, 0],
      ArrowRight: [-60, 0],
      ArrowUp: [0, 60],
      ArrowDown: [0, -60],
    };
    if (pan[e.key]) {
      view.current = { ...v, tx: v.tx + pan[e.key][0], ty: v.ty + pan[e.key][1] };
      schedule();
    } else if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(0.8);
    else if (e.key === '0') fit();
    else return;
    e.preventDefault();
  };

  const expandableTree = useMemo(
    () => [...walk(steps)].filter((s) => innerSteps(s, children)),
    [steps, children],
  );
  const find = (text: string) => {
    const q = text.trim();
    if (!q) return;
    const all = [...walk(steps)];
    const step =
      all.find((s) => s.path === q || s.id === q) ??
      all.find((s) => s.id.startsWith(q) || s.path.startsWith(q));
    if (!step) return;
    // Open every group around it, then centre on it once laid out.
    const parts = step.path.split('/');
    const around = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
    focusAfterLayout.current = step.path;
    setOwnSelection(step.path);
    if (around.some((p) => !expanded.has(p))) setExpanded(new Set([...expanded, ...around]));
    else {
      const i = scene.byPath.get(step.path);
      if (i !== undefined && view.current) {
        const n = scene.nodes[i];
        view.current = centreOn(
          view.current,
          n.x + n.width / 2,
          n.y + n.height / 2,
          size.current.width,
          size.current.height,
        );
        focusAfterLayout.current = undefined;
        schedule();
      }
    }
  };

  const open = scene.nodes.length;
  return (
    <div class="dag" data-state={drawn ? 'drawn' : 'drawing'} data-steps={total} data-layout-ms={layoutMs}>
      <div class="dag-toolbar">
        <button type="button" onClick={fit} title="Show the whole DAG (0)">
          Fit
        </button>
        <button type="button" onClick={() => zoomBy(1 / 1.25)} title="Zoom out (-)" aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => zoomBy(1.25)} title="Zoom in (+)" aria-label="Zoom in">
          +
        </button>
        {expandableTree.length > 0 && (
          <>
            <button type="button" onClick={() => setExpanded(new Set(expandableTree.map((s) => s.path)))}>
              Expand all
            </button>
            <button type="button" onClick={() => setExpanded(new Set())} disabled={expanded.size === 0}>
              Collapse all
            </button>
          </>
        )}
        <form
          class="dag-find"
          onSubmit={(e) => {
            e.preventDefault();
            const input = (e.currentTarget as HTMLFormElement).elements.namedItem('step') as HTMLInputElement;
            find(input.value);
          }}
        >
          <input name="step" type="search" placeholder="Find a step" aria-label="Find a step" />
        </form>
        <span class="dag-info">
          {total.toLocaleString('en')} steps{open !== total ? `, ${open.toLocaleString('en')} shown` : ''} ·
          laid out in {layoutMs} ms
        </span>
      </div>
      <div
        ref={stage}
        class="dag-stage"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the drawing pans and zooms with the keyboard
        tabIndex={0}
        role="application"
        aria-label={`DAG of ${total} steps: drag or arrow keys to pan, wheel or + and - to zoom, 0 to fit`}
        style={{ height: `${props.height ?? 520}px` }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          drag.current = undefined;
        }}
        onPointerLeave={() => {
          if (hovered.current !== undefined) {
            hovered.current = undefined;
            schedule();
          }
        }}
        onDblClick={onDoubleClick}
        onKeyDown={onKeyDown}
      >
        <canvas ref={canvas} />
        <div ref={layer} class="dag-layer">
          {overlay.nodes.map((i) => {
            const n = scene.nodes[i];
            if (!n) return null;
            const status = props.statuses?.[n.step.path];
            return (
              <button
                type="button"
                key={n.step.path}
                class="dag-hit"
                data-step={n.step.path}
                data-status={status}
                aria-pressed={selected === n.step.path}
                title={tooltip(n.step, status, props.iterationCounts?.[n.step.path])}
                style={{
                  left: `${n.x}px`,
                  top: `${n.y}px`,
                  width: `${n.width}px`,
                  height: `${n.expanded ? GROUP_HEADER : n.height}px`,
                }}
                onClick={(e) => {
                  // Mouse clicks are hit-tested on the stage; this is the keyboard's Enter/Space.
                  if (e.detail === 0) select(n.step);
                }}
              >
                {n.step.id}
              </button>
            );
          })}
          {overlay.labels.map((k) => {
            const e = scene.edges[k];
            const l = e?.label;
            if (!l) return null;
            return (
              <span
                key={`${e.from}>${e.to}`}
                class="dag-label-hit"
                title={`${e.from} → ${e.to} when ${e.condition}`}
                style={{
                  left: `${l.x - l.width / 2}px`,
                  top: `${l.y - 8}px`,
                  width: `${l.width}px`,
                  height: '16px',
                }}
              />
            );
          })}
        </div>
        {steps.length === 0 && <p class="dag-empty">No steps.</p>}
      </div>
    </div>
  );
}

/**
 * What the drawing depends on, hashed (two FNV-1a lanes over every field that shows): two
 * definitions with the same shape draw the same. Cheaper than building the text to compare.
 */
function shapeOf(steps: DagStep[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const add = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 16777619);
      b = Math.imul(b ^ c, 2246822519);
    }
    a = Math.imul(a ^ 0xff, 16777619);
    b = Math.imul(b ^ 0xff, 2246822519);
  };
  let count = 0;
  for (const s of walk(steps)) {
    count++;
    add(s.path);
    add(s.kind);
    add(s.type);
    add(s.name ?? '');
    add(s.condition ?? '');
    add(s.subworkflowId ?? '');
    add(s.loopVars?.join(',') ?? '');
    add(s.signalsIn.join(','));
    add(s.signalsOut.join(','));
    for (const e of s.successors) {
      add(e.to);
      add(e.condition);
    }
  }
  return `${count}:${a >>> 0}:${b >>> 0}`;
}

export type { Scene };

// Reads a Maestro-format workflow (the `workflow` object GetWorkflow returns as definition JSON)
// into the step tree the DAG draws. The definition service validated it when it was pushed, but the
// browser reads it as untrusted JSON: anything unexpected is skipped or shown as text, never thrown.
// Pure: no DOM, so unit tests run it in Node.

/** The wrapper key of a step entry (`{"foreach": {...}}`), as in packages/model's StepKind. */
export type StepKind = 'step' | 'foreach' | 'while' | 'subworkflow' | 'template';

const KINDS: readonly StepKind[] = ['step', 'foreach', 'while', 'subworkflow', 'template'];

/** One outgoing edge: the successor's id in the same level and its SEL condition. */
export interface Successor {
  to: string;
  /** The SEL condition; `"true"` for an unconditional edge. */
  condition: string;
}

export interface DagStep {
  id: string;
  /** Ids from the top level down, joined by `/` (step ids cannot hold a `/`): `per_region/per_day`. */
  path: string;
  kind: StepKind;
  /** Shell, NoOp, … for a leaf; the sub_type of a template; the kind for the others. */
  type: string;
  name?: string;
  successors: Successor[];
  /** The nested steps of a foreach or while (the loop body). */
  steps?: DagStep[];
  /** A while step's condition. */
  condition?: string;
  /** The loop variables of a foreach or while (the keys of params.loop_params). */
  loopVars?: string[];
  /** A subworkflow's `params.subworkflow_id`, when it is a literal value. */
  subworkflowId?: string;
  /** Names of the signals the step waits for, and of those it emits when it succeeds. */
  signalsIn: string[];
  signalsOut: string[];
  /** Steps nested inside (every level below), for a loop's summary. */
  nestedCount: number;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The workflow object: accepts the `workflow` object itself or a push request `{workflow: {...}}`. */
export function workflowOf(definition: unknown): Json {
  if (!isObject(definition)) return {};
  if (Array.isArray(definition.steps)) return definition;
  if (isObject(definition.workflow)) return definition.workflow;
  return definition;
}

/** The step tree of a workflow definition, top level first. */
export function readSteps(definition: unknown): DagStep[] {
  return readList(workflowOf(definition).steps, '', 0);
}

/** Reads the step tree under a path prefix: a subworkflow's child definition drawn inside it. */
export function readStepsUnder(definition: unknown, prefix: string): DagStep[] {
  return readList(workflowOf(definition).steps, prefix, 0);
}

// Ten levels is the definition limit (DEFINITION_LIMITS.maxDepth); a few more covers subworkflow
// children drawn inside their parent without letting a hostile document recurse without end.
const MAX_DEPTH = 32;

function readList(list: unknown, parent: string, depth: number): DagStep[] {
  if (!Array.isArray(list) || depth > MAX_DEPTH) return [];
  const out: DagStep[] = [];
  const seen = new Set<string>();
  for (const entry of list) {
    const step = readEntry(entry, parent, depth);
    // A repeated id would make two nodes share a path; the service refuses such a push anyway.
    if (!step || seen.has(step.id)) continue;
    seen.add(step.id);
    out.push(step);
  }
  return out;
}

function readEntry(entry: unknown, parent: string, depth: number): DagStep | undefined {
  if (!isObject(entry)) return undefined;
  const kind = Object.keys(entry)[0] as StepKind | undefined;
  if (!kind || !KINDS.includes(kind)) return undefined;
  const body = entry[kind];
  if (!isObject(body) || typeof body.id !== 'string' || body.id === '' || body.id.includes('/'))
    return undefined;
  const id = body.id;
  const path = parent ? `${parent}/${id}` : id;
  const step: DagStep = {
    id,
    path,
    kind,
    type: typeOf(kind, body),
    successors: successorsOf(body.transition),
    signalsIn: signalNames(body.signal_dependencies),
    signalsOut: signalNames(body.signal_outputs),
    nestedCount: 0,
  };
  if (typeof body.name === 'string' && body.name !== '') step.name = body.name;
  const params = isObject(body.params) ? body.params : {};
  if (kind === 'foreach' || kind === 'while') {
    step.steps = readList(body.steps, path, depth + 1);
    step.nestedCount = step.steps.reduce((n, s) => n + 1 + s.nestedCount, 0);
    const loop = params.loop_params;
    if (isObject(loop) && isObject(loop.value)) step.loopVars = Object.keys(loop.value);
    if (kind === 'while' && typeof body.condition === 'string') step.condition = body.condition;
  }
  if (kind === 'subworkflow') {
    const sub = params.subworkflow_id;
    if (isObject(sub) && typeof sub.value === 'string') step.subworkflowId = sub.value;
  }
  return step;
}

function typeOf(kind: StepKind, body: Json): string {
  if (kind === 'step') return typeof body.type === 'string' ? body.type : 'step';
  if (kind === 'template') return typeof body.sub_type === 'string' ? body.sub_type : 'template';
  return kind;
}

function successorsOf(transition: unknown): Successor[] {
  if (!isObject(transition) || !isObject(transition.successors)) return [];
  const out: Successor[] = [];
  for (const [to, cond] of Object.entries(transition.successors)) {
    // Jackson reads a JSON boolean as the condition's text; the service accepts `true` likewise.
    const condition = typeof cond === 'boolean' ? String(cond) : typeof cond === 'string' ? cond : '';
    if (condition !== '') out.push({ to, condition });
  }
  return out;
}

function signalNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((s) => (isObject(s) && typeof s.name === 'string' ? [s.name] : []));
}

/** An unconditional edge: no label. */
export function isAlways(condition: string): boolean {
  return condition.trim() === 'true';
}

/** Every step of the tree, depth first, with its nested steps after it. */
export function* walk(steps: readonly DagStep[]): Generator<DagStep> {
  for (const s of steps) {
    yield s;
    if (s.steps) yield* walk(s.steps);
  }
}

// Where the DAG goes until the dag component (web/src/dag) lands: the same props, drawn as an
// indented list of steps with their kind, status and successors (conditions as labels). Switching
// to the real DAG is the one import in dag-slot.ts.
import type { JSX } from 'preact';
import { statusGroup } from './format';
import type { StepEntryJson, WorkflowJson } from './types';
import { VirtualRows } from './ui';

export interface DagProps {
  /** The workflow object as pushed (GetWorkflow's definition JSON), or `{workflow: {...}}`. */
  definition: WorkflowJson | { workflow: WorkflowJson };
  /** Step-run statuses by step id (`<parent>/<child>` for nested steps). */
  statuses?: Record<string, string>;
  onSelectStep?: (stepId: string, path: string) => void;
  conditionLabels?: boolean;
}

interface Row {
  path: string;
  id: string;
  kind: string;
  type: string;
  depth: number;
  successors: [string, string][];
}

function rowsOf(entries: StepEntryJson[] | undefined, parent: string, depth: number, out: Row[]): Row[] {
  for (const entry of entries ?? []) {
    const [kind, body] = Object.entries(entry)[0] ?? [];
    if (!kind || !body || typeof body !== 'object') continue;
    const id = String(body.id ?? '?');
    const path = parent ? `${parent}/${id}` : id;
    out.push({
      path,
      id,
      kind,
      type: kind === 'step' ? String(body.type ?? '') : kind,
      depth,
      successors: Object.entries(body.transition?.successors ?? {}),
    });
    if (Array.isArray(body.steps)) rowsOf(body.steps, path, depth + 1, out);
  }
  return out;
}

export function StepListDag(props: DagProps): JSX.Element {
  const d = props.definition as WorkflowJson & { workflow?: WorkflowJson };
  const wf: WorkflowJson = d.workflow && typeof d.workflow === 'object' ? d.workflow : d;
  const rows = rowsOf(wf.steps, '', 0, []);
  const row = (r: Row) => {
    const status = props.statuses?.[r.path];
    return (
      <button
        type="button"
        key={r.path}
        class={`dag-row status-${statusGroup(status)}-edge`}
        data-step={r.path}
        onClick={() => props.onSelectStep?.(r.id, r.path)}
      >
        <span class={`indent-${Math.min(r.depth, 9)}`} />
        <span class="dag-id">{r.id}</span>
        <span class="muted"> {r.type}</span>
        {status && <span class={`badge status-${statusGroup(status)}`}>{status}</span>}
        {r.successors.length > 0 && (
          <span class="muted dag-next">
            {' → '}
            {r.successors
              .map(([to, cond]) =>
                props.conditionLabels !== false && cond !== 'true' ? `${to} [${cond}]` : to,
              )
              .join(', ')}
          </span>
        )}
      </button>
    );
  };
  return (
    <div class="dag-list">
      <VirtualRows items={rows} rowHeight={30} maxHeight={480} row={row} />
    </div>
  );
}

// A Notebook step's executed notebook (the .ipynb JSON step-runtime kept), fetched from the
// console's /api/artifact download and drawn safely: sources, text and image/png outputs. Nothing
// in a notebook is ever taken as markup: HTML outputs and markdown show as their text, images only
// as data: URLs of PNG bytes.
import type { JSX } from 'preact';
import { ApiError, getToken } from '../api';
import { ErrorBox, useCall } from './ui';

/** Larger notebooks are offered as a download only (drawing them would stall the page). */
const MAX_RENDER_BYTES = 16 * 1024 * 1024;
const MAX_CELLS = 500;

interface NotebookJson {
  cells?: CellJson[];
}
interface CellJson {
  cell_type?: string;
  source?: string | string[];
  execution_count?: number | null;
  outputs?: OutputJson[];
}
interface OutputJson {
  output_type?: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[] | unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export function artifactUrl(
  ref: { workflowId?: string; instanceId?: string; runId?: string },
  stepId: string,
  attemptId: number,
): string {
  const q = new URLSearchParams({
    workflowId: ref.workflowId ?? '',
    instanceId: ref.instanceId ?? '',
    runId: ref.runId ?? '0',
    stepId,
    attemptId: String(attemptId),
  });
  return `/api/artifact?${q}`;
}

const text = (v: string | string[] | undefined | unknown): string =>
  Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';

// Terminal colours in tracebacks are noise in a page.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is removed
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

export function NotebookView(props: {
  ref_: { workflowId?: string; instanceId?: string; runId?: string };
  stepId: string;
  attemptId: number;
}): JSX.Element {
  const url = artifactUrl(props.ref_, props.stepId, props.attemptId);
  const nb = useCall(
    async (signal) => {
      const token = getToken();
      const res = await fetch(url, { signal, headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!res.ok) {
        let body: {
          error?: { code: string; message: string; violations?: { field: string; description: string }[] };
        } = {};
        try {
          body = await res.json();
        } catch {
          // not JSON
        }
        const e = body.error ?? { code: 'UNKNOWN', message: `the console answered HTTP ${res.status}` };
        throw new ApiError(e.code, e.message, e.violations ?? []);
      }
      const size = Number(res.headers.get('content-length') ?? '0');
      if (size > MAX_RENDER_BYTES) {
        // Stop the transfer: up to 64 MiB would otherwise still come down.
        await res.body?.cancel();
        return { tooLarge: size };
      }
      return { notebook: (await res.json()) as NotebookJson };
    },
    [url],
  );
  return (
    <div class="notebook" data-testid="notebook">
      <p>
        <a href={url} download="executed.ipynb" onClick={(e) => download(e, url)}>
          Download the executed notebook
        </a>
      </p>
      <ErrorBox error={nb.error} retry={nb.reload} />
      {nb.data?.tooLarge && <p class="muted">{nb.data.tooLarge} bytes: too large to show here.</p>}
      {nb.data?.notebook && <Cells cells={nb.data.notebook.cells ?? []} />}
    </div>
  );
}

function Cells(props: { cells: CellJson[] }): JSX.Element {
  const cells = props.cells.slice(0, MAX_CELLS);
  return (
    <div>
      {cells.map((c, i) => (
        <div class={`cell cell-${c.cell_type === 'code' ? 'code' : 'text'}`} key={i}>
          {c.cell_type === 'code' && <div class="muted">[{c.execution_count ?? ' '}]</div>}
          <pre class="source">{text(c.source)}</pre>
          {(c.outputs ?? []).map((o, j) => (
            <Output key={j} o={o} />
          ))}
        </div>
      ))}
      {props.cells.length > MAX_CELLS && (
        <p class="muted">{props.cells.length - MAX_CELLS} more cells not shown.</p>
      )}
    </div>
  );
}

function Output(props: { o: OutputJson }): JSX.Element | null {
  const o = props.o;
  if (o.output_type === 'stream')
    return <pre class={o.name === 'stderr' ? 'output stderr' : 'output'}>{text(o.text)}</pre>;
  if (o.output_type === 'error')
    return (
      <pre class="output stderr">{stripAnsi((o.traceback ?? [`${o.ename}: ${o.evalue}`]).join('\n'))}</pre>
    );
  const data = o.data ?? {};
  const png = text(data['image/png']).replace(/\s+/g, '');
  if (png && /^[A-Za-z0-9+/]+=*$/.test(png))
    return <img class="output-image" alt="cell output" src={`data:image/png;base64,${png}`} />;
  // HTML is shown as its source text, never parsed: a notebook is user code's output.
  const shown = text(data['text/plain']) || text(data['text/html']) || text(data['text/markdown']);
  return shown ? <pre class="output">{shown}</pre> : null;
}

/**
 * A plain link sends no bearer header, so under BATON_AUTH=required it would save a 401 as the
 * notebook: fetch it with the token and save the bytes instead.
 */
async function download(e: MouseEvent, url: string): Promise<void> {
  e.preventDefault();
  const token = getToken();
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    alert(`The download failed: the console answered HTTP ${res.status}.`);
    return;
  }
  const blob = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = blob;
  a.download = 'executed.ipynb';
  a.click();
  setTimeout(() => URL.revokeObjectURL(blob), 10_000);
}

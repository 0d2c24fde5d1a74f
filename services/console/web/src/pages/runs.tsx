// /workflows/:id/runs: a workflow's runs (status filter by the service; initiator and time filters
// on each page it answers), paged, and the "Start run" form built from the declared params.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { type ApiError, rpc } from '../api';
import { Link, navigate, path } from '../router';
import {
  durationText,
  INSTANCE_STATUS_LIST,
  requestId,
  runKeyOf,
  timeText,
  toParamValueJson,
} from './format';
import type { Instance, ParamDefJson, ParamsJson, WorkflowVersion } from './types';
import { asApiError, ErrorBox, FilterForm, Pager, StatusBadge, Title, useCall } from './ui';
import { parseDefinition } from './workflows';

const PAGE_SIZE = 50;

export function RunsPage(props: { workflowId: string; query: URLSearchParams }): JSX.Element {
  const id = props.workflowId;
  const q = props.query;
  const status = q.get('status') ?? '';
  const initiator = q.get('initiator') ?? '';
  const since = q.get('since') ?? '';
  const until = q.get('until') ?? '';
  const page = q.get('page') ?? '';
  const list = useCall(
    (signal) =>
      rpc<{ instances?: Instance[]; nextPageToken?: string }>(
        'scheduler',
        'ListInstances',
        { workflowId: id, status, pageSize: PAGE_SIZE, pageToken: page },
        signal,
      ),
    [id, status, page],
  );
  const rows = (list.data?.instances ?? []).filter((i) => matches(i, initiator, since, until));
  const [starting, setStarting] = useState(false);
  return (
    <section>
      <Title
        sub={<Link href={path('workflows', id)}>definition</Link>}
        right={
          <button type="button" class="primary" onClick={() => setStarting((s) => !s)}>
            Start run
          </button>
        }
      >
        Runs of {id}
      </Title>
      {starting && <StartRunForm workflowId={id} onCancel={() => setStarting(false)} />}
      <FilterForm
        key={q.toString()}
        fields={[
          { name: 'status', label: 'Status', value: status, options: INSTANCE_STATUS_LIST },
          {
            name: 'initiator',
            label: 'Initiator',
            value: initiator,
            placeholder: 'MANUAL, SIGNAL or a name',
          },
          { name: 'since', label: 'Since', value: since, type: 'datetime-local' },
          { name: 'until', label: 'Until', value: until, type: 'datetime-local' },
        ]}
      />
      {(initiator || since || until) && (
        <p class="muted">
          Initiator and time filters apply to each page of {PAGE_SIZE} runs the scheduler answers.
        </p>
      )}
      <ErrorBox error={list.error} retry={list.reload} />
      {list.loading && !list.data && <p class="muted">Loading…</p>}
      {list.data && rows.length === 0 && <p class="muted">No run on this page matches.</p>}
      {rows.length > 0 && (
        <table class="grid" data-testid="runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Version</th>
              <th>Initiator</th>
              <th>Started</th>
              <th>Took</th>
              <th>Steps</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => {
              const key = i.key || runKeyOf(i.ref);
              return (
                <tr key={key}>
                  <td>
                    <Link href={path('runs', key)}>
                      instance {i.ref?.instanceId} run {i.ref?.runId}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={i.status} />
                  </td>
                  <td>{i.workflowVersion}</td>
                  <td>{initiatorText(i)}</td>
                  <td class="muted">{timeText(i.startedAt || i.createdAt)}</td>
                  <td>{durationText(i.startedAt, i.endedAt)}</td>
                  <td class="muted">{countsText(i.stepCounts)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager nextToken={list.data?.nextPageToken} current={page} />
    </section>
  );
}

export function initiatorText(i: Instance): string {
  const t = (i.initiator?.type ?? '').replace(/^INITIATOR_TYPE_/, '');
  return [t, i.initiator?.name].filter(Boolean).join(' ');
}

export function countsText(counts: Record<string, string> | undefined): string {
  return Object.entries(counts ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
}

function matches(i: Instance, initiator: string, since: string, until: string): boolean {
  if (initiator && !initiatorText(i).toLowerCase().includes(initiator.toLowerCase())) return false;
  const t = Date.parse(i.startedAt || i.createdAt || '');
  if (since && !(t >= Date.parse(since))) return false;
  if (until && !(t <= Date.parse(until))) return false;
  return true;
}

/**
 * A form with one field per declared param of the version to run (default values as hints): only
 * the fields a user fills are sent, as run params typed from the definition.
 */
export function StartRunForm(props: { workflowId: string; onCancel?: () => void }): JSX.Element {
  const [version, setVersion] = useState('');
  const wf = useCall(
    (signal) =>
      rpc<{ workflow?: WorkflowVersion }>(
        'definition',
        'GetWorkflow',
        { workflowId: props.workflowId, version },
        signal,
      ),
    [props.workflowId, version],
  );
  const params = Object.entries(parseDefinition(wf.data?.workflow?.definitionJson)?.params ?? {});
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const runParams: ParamsJson = {};
      for (const [name, def] of params) {
        const text = values[name];
        if (text === undefined || text === '') continue;
        runParams[name] = toParamValueJson(def.type ?? 'STRING', text, `run_params.${name}`);
      }
      const r = await rpc<{ workflowId?: string; instanceId?: string; runId?: string }>(
        'scheduler',
        'StartWorkflow',
        {
          workflowId: props.workflowId,
          version,
          runParams,
          requestId: requestId(),
        },
      );
      navigate(path('runs', runKeyOf(r)));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card start-form" onSubmit={submit} aria-label="start run">
      <h2>Start a run</h2>
      <label>
        Version{' '}
        <input
          name="version"
          placeholder="default (active, else latest)"
          value={version}
          onChange={(ev) => setVersion(ev.currentTarget.value.trim())}
        />
      </label>
      <ErrorBox error={wf.error} retry={wf.reload} />
      {wf.data?.workflow && (
        <p class="muted">
          version {wf.data.workflow.version}:{' '}
          {params.length === 0 ? 'no declared params' : 'leave a field empty to keep its default'}
        </p>
      )}
      {params.map(([name, def]) => (
        <ParamField
          key={name}
          name={name}
          def={def}
          value={values[name] ?? ''}
          onInput={(v) => setValues((x) => ({ ...x, [name]: v }))}
        />
      ))}
      <ErrorBox error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !wf.data}>
          Start
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function ParamField(props: {
  name: string;
  def: ParamDefJson;
  value: string;
  onInput: (v: string) => void;
}): JSX.Element {
  const type = (props.def.type ?? 'STRING').toUpperCase();
  const hint =
    props.def.expression !== undefined
      ? `= ${props.def.expression}`
      : props.def.value === undefined
        ? ''
        : typeof props.def.value === 'string'
          ? props.def.value
          : JSON.stringify(props.def.value);
  const big = type.endsWith('_ARRAY') || type === 'MAP' || type === 'STRING_MAP';
  const id = `param-${props.name}`;
  return (
    <div class="param-field">
      <label htmlFor={id}>
        {props.name} <span class="muted">{type}</span>
        {props.def.mode && <span class="muted"> {props.def.mode}</span>}
      </label>
      {type === 'BOOLEAN' ? (
        <select
          id={id}
          name={props.name}
          value={props.value}
          onChange={(ev) => props.onInput(ev.currentTarget.value)}
        >
          <option value="">default ({hint || 'none'})</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : big ? (
        <textarea
          id={id}
          name={props.name}
          rows={3}
          placeholder={hint}
          value={props.value}
          onInput={(ev) => props.onInput(ev.currentTarget.value)}
        />
      ) : (
        <input
          id={id}
          name={props.name}
          placeholder={hint}
          value={props.value}
          onInput={(ev) => props.onInput(ev.currentTarget.value)}
        />
      )}
    </div>
  );
}

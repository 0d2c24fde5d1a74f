// /signals?name=&filter=: publish a signal, list a name's instances (newest first, paged, with
// param filters); /signals/:name/:seq: one instance and its lineage (runs it started or satisfied).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { type ApiError, rpc } from '../api';
import { Link, navigate, path } from '../router';
import { InputError, paramText, signalParamsOf, timeText } from './format';
import type { LineageLink, ParamFilter, Signal } from './types';
import { asApiError, ErrorBox, FilterForm, Pager, ParamsTable, Title, useCall } from './ui';

const PAGE_SIZE = 50;

/**
 * Filters as a user types them: `rows>0, region=eu` (operators = > >= < <=). Whole numbers are
 * LONG values, anything else a STRING (quotes optional).
 */
export function parseFilters(text: string): ParamFilter[] {
  const out: ParamFilter[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([^=<>\s]+)\s*(>=|<=|=|>|<)\s*(.*)$/.exec(part);
    if (!m) throw new InputError('filters', `"${part}" is not param=value (or > >= < <=)`);
    const raw = m[3]!.trim().replace(/^"(.*)"$/, '$1');
    out.push({
      param: m[1],
      operator: m[2],
      value: /^-?\d{1,18}$/.test(raw) ? { longValue: raw } : { stringValue: raw },
    });
  }
  return out;
}

export function SignalsPage(props: { query: URLSearchParams }): JSX.Element {
  const name = props.query.get('name') ?? '';
  const filterText = props.query.get('filter') ?? '';
  const page = props.query.get('page') ?? '';
  const list = useCall(
    async (signal) => {
      if (!name) return undefined;
      return rpc<{ signals?: Signal[]; nextPageToken?: string }>(
        'signal',
        'ListSignals',
        { name, filters: parseFilters(filterText), pageSize: PAGE_SIZE, pageToken: page },
        signal,
      );
    },
    [name, filterText, page],
  );
  const rows = list.data?.signals ?? [];
  return (
    <section>
      <Title>Signals</Title>
      <PublishForm defaultName={name} onPublished={list.reload} />
      <h2>Published signals</h2>
      <FilterForm
        key={props.query.toString()}
        fields={[
          { name: 'name', label: 'Name', value: name, placeholder: 'db/orders_landed' },
          { name: 'filter', label: 'Param filters', value: filterText, placeholder: 'rows>0, region=eu' },
        ]}
      />
      {!name && <p class="muted">Name a signal to list its instances.</p>}
      <ErrorBox error={list.error} retry={list.reload} />
      {list.data && rows.length === 0 && <p class="muted">No instance on this page matches.</p>}
      {rows.length > 0 && (
        <table class="grid" data-testid="signals">
          <thead>
            <tr>
              <th>#</th>
              <th>Published</th>
              <th>Params</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.seq}>
                <td>
                  <Link href={path('signals', s.name ?? name, s.seq ?? '0')}>#{s.seq}</Link>
                </td>
                <td class="muted">{timeText(s.createdAt)}</td>
                <td>
                  <code class="value">
                    {Object.entries(s.params ?? {})
                      .map(([k, v]) => `${k}=${paramText(v)}`)
                      .join(' ')}
                  </code>
                </td>
                <td class="muted">
                  {s.producer?.workflowId ? `${s.producer.workflowId} step ${s.producer.stepId}` : 'external'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextToken={list.data?.nextPageToken} current={page} />
    </section>
  );
}

function PublishForm(props: { defaultName: string; onPublished: () => void }): JSX.Element {
  const [name, setName] = useState(props.defaultName);
  const [params, setParams] = useState('');
  const [payload, setPayload] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      let payloadValue: unknown;
      if (payload.trim()) {
        try {
          payloadValue = JSON.parse(payload);
        } catch {
          throw new InputError('payload', 'not valid JSON');
        }
      }
      const r = await rpc<{ name?: string; seq?: string }>('signal', 'PublishSignal', {
        name: name.trim(),
        params: signalParamsOf(params, 'params'),
        ...(payloadValue === undefined ? {} : { payload: payloadValue }),
      });
      props.onPublished();
      navigate(path('signals', r.name ?? name, r.seq ?? '0'));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card publish-form" onSubmit={submit} aria-label="publish signal">
      <h2>Publish a signal</h2>
      <label>
        Name{' '}
        <input
          name="name"
          value={name}
          onInput={(ev) => setName(ev.currentTarget.value)}
          placeholder="db/orders_landed"
        />
      </label>
      <label>
        Params (JSON object of strings and whole numbers){' '}
        <textarea
          name="params"
          rows={2}
          value={params}
          onInput={(ev) => setParams(ev.currentTarget.value)}
          placeholder='{"day": 20240101, "rows": 5}'
        />
      </label>
      <label>
        Payload (any JSON, optional){' '}
        <textarea
          name="payload"
          rows={2}
          value={payload}
          onInput={(ev) => setPayload(ev.currentTarget.value)}
        />
      </label>
      <ErrorBox error={error} />
      <button type="submit" class="primary" disabled={busy}>
        Publish
      </button>
    </form>
  );
}

export function SignalPage(props: { name: string; seq: string }): JSX.Element {
  const lineage = useCall(
    (signal) =>
      rpc<{ signal?: Signal; runs?: LineageLink[] }>(
        'signal',
        'GetSignalLineage',
        { name: props.name, seq: props.seq },
        signal,
      ),
    [props.name, props.seq],
  );
  const s = lineage.data?.signal;
  const runs = lineage.data?.runs ?? [];
  return (
    <section>
      <Title
        sub={
          <Link href={`/signals?name=${encodeURIComponent(props.name)}`}>all instances of {props.name}</Link>
        }
        right={
          <button type="button" onClick={lineage.reload}>
            Refresh
          </button>
        }
      >
        {props.name} #{s?.seq ?? props.seq}
      </Title>
      <ErrorBox error={lineage.error} retry={lineage.reload} />
      {s && (
        <>
          <div class="facts">
            <span>
              published <strong>{timeText(s.createdAt)}</strong>
            </span>
            {s.requestId && <span class="muted">request id {s.requestId}</span>}
            {s.producer?.workflowId && (
              <span>
                by{' '}
                <Link
                  href={path(
                    'runs',
                    `${s.producer.workflowId}:${s.producer.instanceId}:${s.producer.runId}`,
                    'steps',
                    s.producer.stepId ?? '',
                  )}
                >
                  {s.producer.workflowId} instance {s.producer.instanceId} step {s.producer.stepId}
                </Link>
              </span>
            )}
          </div>
          <h2>Params</h2>
          <ParamsTable params={s.params} />
          {s.payload !== undefined && (
            <>
              <h2>Payload</h2>
              <pre class="value">{JSON.stringify(s.payload, null, 2)}</pre>
            </>
          )}
        </>
      )}
      <h2>Lineage</h2>
      {lineage.data && runs.length === 0 && <p class="muted">No run started or satisfied by it yet.</p>}
      {runs.length > 0 && (
        <table class="grid" data-testid="lineage">
          <thead>
            <tr>
              <th>Relation</th>
              <th>Run</th>
              <th>Step</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((l) => {
              const key = `${l.workflowId}:${l.instanceId}:${l.runId}`;
              return (
                <tr key={`${l.relation}:${key}:${l.stepId ?? ''}`}>
                  <td>{l.relation}</td>
                  <td>
                    <Link href={path('runs', key)}>
                      {l.workflowId} instance {l.instanceId} run {l.runId}
                    </Link>
                  </td>
                  <td>
                    {l.stepId ? <Link href={path('runs', key, 'steps', l.stepId)}>{l.stepId}</Link> : ''}
                  </td>
                  <td class="muted">{timeText(l.time)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

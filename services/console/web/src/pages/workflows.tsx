// /workflows (search by id prefix, owner, tag) and /workflows/:id (a definition: DAG, params,
// triggers with their next fire times, versions, properties, activate/deactivate).
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { rpc } from '../api';
import { Link, path } from '../router';
import { Dag } from './dag-slot';
import { timeText } from './format';
import type { Properties, WorkflowJson, WorkflowSummary, WorkflowVersion } from './types';
import { ConfirmAction, ErrorBox, FilterForm, Pager, Title, useCall } from './ui';

const PAGE_SIZE = 50;

export function WorkflowsPage(props: { query: URLSearchParams }): JSX.Element {
  const q = props.query;
  const prefix = q.get('q') ?? '';
  const owner = q.get('owner') ?? '';
  const tag = q.get('tag') ?? '';
  const page = q.get('page') ?? '';
  const list = useCall(
    (signal) =>
      rpc<{ workflows?: WorkflowSummary[]; nextPageToken?: string }>(
        'definition',
        'ListWorkflows',
        { idPrefix: prefix, owner, tag, pageSize: PAGE_SIZE, pageToken: page },
        signal,
      ),
    [prefix, owner, tag, page],
  );
  const rows = list.data?.workflows ?? [];
  return (
    <section>
      <Title>Workflows</Title>
      <FilterForm
        key={q.toString()}
        fields={[
          { name: 'q', label: 'Id prefix', value: prefix, placeholder: 'demo.' },
          { name: 'owner', label: 'Owner', value: owner },
          { name: 'tag', label: 'Tag', value: tag },
        ]}
      />
      <ErrorBox error={list.error} retry={list.reload} />
      {list.loading && !list.data && <p class="muted">Loading…</p>}
      {list.data && rows.length === 0 && <p class="muted">No workflow matches.</p>}
      {rows.length > 0 && (
        <table class="grid" data-testid="workflows">
          <thead>
            <tr>
              <th>Workflow</th>
              <th>Name</th>
              <th>Owner</th>
              <th>Tags</th>
              <th>Latest</th>
              <th>Active</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr key={w.workflowId}>
                <td>
                  <Link href={path('workflows', w.workflowId ?? '')}>{w.workflowId}</Link>
                </td>
                <td>{w.name}</td>
                <td>{w.owner}</td>
                <td>{(w.tags ?? []).join(', ')}</td>
                <td>{w.latestVersion ?? ''}</td>
                <td>{w.activeVersion ? w.activeVersion : <span class="muted">inactive</span>}</td>
                <td class="muted">{timeText(w.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager nextToken={list.data?.nextPageToken} current={page} />
    </section>
  );
}

interface TimeTriggerState {
  triggerId?: string;
  definitionJson?: string;
  timezone?: string;
  nextFireTimes?: string[];
  watermark?: string;
}
interface SignalTriggerState {
  triggerId?: string;
  definitionJson?: string;
  cursors?: Record<string, string>;
  pending?: Record<string, string>;
  fired?: string;
}
interface Triggers {
  activeVersion?: string;
  timeTriggerDisabled?: boolean;
  signalTriggerDisabled?: boolean;
  timeTriggers?: TimeTriggerState[];
  signalTriggers?: SignalTriggerState[];
  catchUp?: string;
}

export function WorkflowPage(props: { workflowId: string; query: URLSearchParams }): JSX.Element {
  const id = props.workflowId;
  const version = props.query.get('version') ?? '';
  const versionsPage = props.query.get('versions') ?? '';
  const wf = useCall(
    (signal) =>
      rpc<{ workflow?: WorkflowVersion; properties?: Properties }>(
        'definition',
        'GetWorkflow',
        { workflowId: id, version },
        signal,
      ),
    [id, version],
  );
  const versions = useCall(
    (signal) =>
      rpc<{ versions?: WorkflowVersion[]; nextPageToken?: string }>(
        'definition',
        'ListVersions',
        { workflowId: id, pageSize: 20, pageToken: versionsPage },
        signal,
      ),
    [id, versionsPage],
  );
  const triggers = useCall(
    (signal) => rpc<Triggers>('signal', 'GetTriggers', { workflowId: id, nextCount: 5 }, signal),
    [id],
  );
  const w = wf.data?.workflow;
  // Parsing 10,000 steps takes tens of milliseconds: once per version, not per render.
  const definition = useMemo(() => parseDefinition(w?.definitionJson), [w?.definitionJson]);
  const reloadAll = () => {
    wf.reload();
    versions.reload();
    triggers.reload();
  };
  return (
    <section>
      <Title
        sub={w && `${w.name ?? ''}${w.description ? ` — ${w.description}` : ''}`}
        right={
          <Link class="button primary" href={`${path('workflows', id, 'runs')}`}>
            Runs and start
          </Link>
        }
      >
        {id}
        {w && (
          <span class="muted">
            {' '}
            version {w.version} {w.active ? <span class="badge status-ok">active</span> : null}
          </span>
        )}
      </Title>
      <ErrorBox error={wf.error} retry={wf.reload} />
      {w && (
        <div class="actions">
          {!w.active && (
            <ConfirmAction
              label={`Activate version ${w.version}`}
              question={`Make version ${w.version} the active version (runs by "active" and triggers use it)?`}
              run={async () => {
                const r = await rpc<{ activeVersion?: string; changed?: boolean }>(
                  'definition',
                  'ActivateVersion',
                  {
                    workflowId: id,
                    version: w.version,
                  },
                );
                return r.changed ? `version ${r.activeVersion} is active` : 'already active';
              }}
              onDone={reloadAll}
            />
          )}
          <ConfirmAction
            label="Deactivate"
            danger
            question="Leave the workflow with no active version (its triggers stop firing)?"
            run={async () => {
              const r = await rpc<{ changed?: boolean }>('definition', 'DeactivateWorkflow', {
                workflowId: id,
              });
              return r.changed ? 'deactivated' : 'was not active';
            }}
            onDone={reloadAll}
          />
        </div>
      )}
      {definition && (
        <>
          <h2>Steps</h2>
          <Dag
            definition={definition}
            statuses={undefined}
            conditionLabels={true}
            onSelectStep={() => {
              /* a definition has no step runs to open */
            }}
          />
          <h2>Params</h2>
          <ParamDefs params={definition.params} />
        </>
      )}
      <h2>Triggers</h2>
      <ErrorBox error={triggers.error} retry={triggers.reload} />
      {triggers.data && <TriggerList t={triggers.data} />}
      {wf.data?.properties && (
        <>
          <h2>Properties</h2>
          <PropertiesView p={wf.data.properties} />
        </>
      )}
      <h2>Versions</h2>
      <ErrorBox error={versions.error} retry={versions.reload} />
      <table class="grid">
        <thead>
          <tr>
            <th>Version</th>
            <th>Steps</th>
            <th>Created</th>
            <th>By</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(versions.data?.versions ?? []).map((v) => (
            <tr key={v.version}>
              <td>
                <Link href={`${path('workflows', id)}?version=${v.version}`}>{v.version}</Link>
                {v.active && <span class="badge status-ok">active</span>}
              </td>
              <td>{v.stepCount ?? 0}</td>
              <td class="muted">{timeText(v.createdAt)}</td>
              <td>{v.createdBy}</td>
              <td class="muted">{v.digest?.slice(0, 12)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager nextToken={versions.data?.nextPageToken} current={versionsPage} param="versions" />
    </section>
  );
}

export function parseDefinition(text: string | undefined): WorkflowJson | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as WorkflowJson & { workflow?: WorkflowJson };
    return v.workflow && typeof v.workflow === 'object' ? v.workflow : v;
  } catch {
    return undefined;
  }
}

function ParamDefs(props: { params: WorkflowJson['params'] }): JSX.Element {
  const entries = Object.entries(props.params ?? {});
  if (entries.length === 0) return <p class="muted">none</p>;
  return (
    <table class="grid params">
      <thead>
        <tr>
          <th>Param</th>
          <th>Type</th>
          <th>Default</th>
          <th>Mode</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, d]) => (
          <tr key={name}>
            <th>{name}</th>
            <td class="muted">{d.type ?? ''}</td>
            <td>
              <code class="value">
                {d.expression !== undefined ? `= ${d.expression}` : JSON.stringify(d.value ?? null)}
              </code>
            </td>
            <td class="muted">{d.mode ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TriggerList(props: { t: Triggers }): JSX.Element {
  const t = props.t;
  const none = !t.timeTriggers?.length && !t.signalTriggers?.length;
  return (
    <div>
      {!t.activeVersion && <p class="warn">No active version: no trigger fires.</p>}
      {t.timeTriggerDisabled && <p class="warn">Time triggers are disabled.</p>}
      {t.signalTriggerDisabled && <p class="warn">Signal triggers are disabled.</p>}
      {none && <p class="muted">none</p>}
      {(t.timeTriggers ?? []).map((tt) => (
        <div class="card" key={tt.triggerId}>
          <code class="value">{tt.definitionJson}</code>
          <div class="muted">
            time zone {tt.timezone || 'UTC'}; catch-up {t.catchUp || 'default'}; handled up to{' '}
            {timeText(tt.watermark)}
          </div>
          <div>
            Next fire times:{' '}
            {(tt.nextFireTimes ?? []).length === 0 ? (
              <span class="muted">none</span>
            ) : (
              (tt.nextFireTimes ?? []).map((x) => (
                <span class="chip" key={x}>
                  {timeText(x)}
                </span>
              ))
            )}
          </div>
        </div>
      ))}
      {(t.signalTriggers ?? []).map((st) => (
        <div class="card" key={st.triggerId}>
          <code class="value">{st.definitionJson}</code>
          <div class="muted">
            fired {st.fired ?? 0} runs
            {Object.keys(st.pending ?? {}).length > 0 &&
              `; waiting to join: ${Object.entries(st.pending ?? {})
                .map(([n, c]) => `${n} ${c}`)
                .join(', ')}`}
          </div>
          <div>
            Signals:{' '}
            {Object.keys(st.cursors ?? parseSignalNames(st.definitionJson)).map((name) => (
              <Link key={name} class="chip" href={`/signals?name=${encodeURIComponent(name)}`}>
                {name}
              </Link>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

function parseSignalNames(json: string | undefined): Record<string, unknown> {
  try {
    return (JSON.parse(json ?? '{}') as { definitions?: Record<string, unknown> }).definitions ?? {};
  } catch {
    return {};
  }
}

function PropertiesView(props: { p: Properties }): JSX.Element {
  const p = props.p;
  return (
    <table class="grid kv">
      <tbody>
        <tr>
          <th>Owner</th>
          <td>{p.owner}</td>
        </tr>
        <tr>
          <th>Run strategy</th>
          <td>
            {p.runStrategy?.rule ?? ''}
            {p.runStrategy?.workflowConcurrency
              ? ` (at most ${p.runStrategy.workflowConcurrency} at once)`
              : ''}
          </td>
        </tr>
        <tr>
          <th>Step concurrency</th>
          <td>{p.stepConcurrency || '20 (default)'}</td>
        </tr>
        <tr>
          <th>Tags</th>
          <td>{(p.tags ?? []).join(', ')}</td>
        </tr>
        <tr>
          <th>Triggers</th>
          <td>
            time {p.timeTriggerDisabled ? 'disabled' : 'enabled'}, signal{' '}
            {p.signalTriggerDisabled ? 'disabled' : 'enabled'}
          </td>
        </tr>
        <tr>
          <th>Snapshot</th>
          <td>
            {p.snapshot}{' '}
            <span class="muted">
              {timeText(p.updatedAt)} {p.updatedBy}
            </span>
          </td>
        </tr>
        <tr>
          <th>JSON</th>
          <td>
            <code class="value">{p.propertiesJson}</code>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

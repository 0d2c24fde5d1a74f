// /runs/:key/steps/:stepId/iterations?status=&page=<token>: a foreach's or while's iterations,
// paged by the scheduler (a loop may have 100,000), each linking to its child run.
import type { JSX } from 'preact';
import { rpc } from '../api';
import { Link, path } from '../router';
import { durationText, ITERATION_STATUS_LIST, timeText } from './format';
import { countsText } from './runs';
import type { Instance, Iteration } from './types';
import { ErrorBox, FilterForm, Pager, StatusBadge, Title, useCall } from './ui';

const PAGE_SIZE = 100;

export function IterationsPage(props: {
  runKey: string;
  stepId: string;
  query: URLSearchParams;
}): JSX.Element {
  const { runKey: key, stepId } = props;
  const status = props.query.get('status') ?? '';
  const page = props.query.get('page') ?? '';
  const run = useCall(
    (signal) =>
      rpc<{ instance?: Instance }>('scheduler', 'GetInstance', { key }, signal).then((r) => r.instance ?? {}),
    [key],
  );
  const ref = run.data?.ref;
  const refText = JSON.stringify(ref ?? null);
  const list = useCall(
    async (signal) => {
      if (!ref) return undefined;
      return rpc<{ iterations?: Iteration[]; nextPageToken?: string }>(
        'scheduler',
        'ListIterations',
        { ref, stepId, status, pageSize: PAGE_SIZE, pageToken: page },
        signal,
      );
    },
    [refText, stepId, status, page],
  );
  const summary = run.data?.steps?.find((s) => s.stepId === stepId);
  const rows = list.data?.iterations ?? [];
  return (
    <section>
      <Title
        sub={
          <>
            loop step <Link href={path('runs', key, 'steps', stepId)}>{stepId}</Link> of{' '}
            <Link href={path('runs', key)}>{key}</Link>
            {summary?.iterationCounts && <span class="muted"> · {countsText(summary.iterationCounts)}</span>}
          </>
        }
      >
        Iterations of {stepId}
      </Title>
      <FilterForm
        key={props.query.toString()}
        fields={[{ name: 'status', label: 'Status', value: status, options: ITERATION_STATUS_LIST }]}
      />
      <ErrorBox error={run.error} retry={run.reload} />
      <ErrorBox error={list.error} retry={list.reload} />
      {list.loading && !list.data && <p class="muted">Loading…</p>}
      {list.data && rows.length === 0 && <p class="muted">No iteration on this page.</p>}
      {rows.length > 0 && (
        <table class="grid" data-testid="iterations">
          <thead>
            <tr>
              <th>Iteration</th>
              <th>Status</th>
              <th>Started</th>
              <th>Took</th>
              <th>Child run</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((it) => (
              <tr key={it.index ?? '0'} data-index={it.index ?? '0'}>
                <td>#{it.index ?? '0'}</td>
                <td>
                  <StatusBadge status={it.status} />
                </td>
                <td class="muted">{timeText(it.startedAt)}</td>
                <td>{durationText(it.startedAt, it.endedAt)}</td>
                <td>
                  {it.childKey ? (
                    <Link href={path('runs', it.childKey)}>{it.childKey}</Link>
                  ) : (
                    <span class="muted">not started</span>
                  )}
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

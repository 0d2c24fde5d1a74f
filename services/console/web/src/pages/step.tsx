// /runs/:key/steps/:stepId?attempt=N: a step run — attempts with statuses, errors and timings, the
// live log tail of an attempt, params and outputs, signal dependencies, the executed notebook of a
// Notebook step, and the step actions (skip, stop, restart from it, bypass signal dependencies).
import type { JSX } from 'preact';
import { rpc } from '../api';
import { Link, navigate, path, setQuery } from '../router';
import {
  durationText,
  isInstanceTerminal,
  isStepTerminal,
  paramText,
  requestId,
  runKeyOf,
  timeText,
} from './format';
import { useLiveInstance } from './live';
import { LogTail } from './log-tail';
import { NotebookView } from './notebook';
import { countsText } from './runs';
import type { Instance, StepRun, StepRunSummary } from './types';
import { ConfirmAction, ErrorBox, ParamsTable, StatusBadge, Title, useCall } from './ui';

export function StepPage(props: { runKey: string; stepId: string; query: URLSearchParams }): JSX.Element {
  const { runKey: key, stepId } = props;
  const live = useLiveInstance(key);
  const inst = live.data;
  const summary = inst?.steps?.find((s) => s.stepId === stepId);
  const topLevel = inst !== undefined && !inst.parentKey;
  // Re-read the step run whenever the run's view of it changes.
  const version = `${summary?.status}:${summary?.attempts}:${summary?.endedAt}`;
  const step = useCall(
    async (signal) => {
      if (!topLevel) return undefined;
      const r = await rpc<{ stepRun?: StepRun }>(
        'scheduler',
        'GetStepRun',
        { ref: inst?.ref, stepId },
        signal,
      );
      return r.stepRun;
    },
    [key, stepId, topLevel, version],
  );
  const run = step.data;
  const s: StepRunSummary | undefined = run?.summary ?? summary;
  const attempts = [...(run?.attempts ?? [])].sort((a, b) => (b.attemptId ?? 0) - (a.attemptId ?? 0));
  const wanted = Number(props.query.get('attempt') ?? '0');
  const attempt = attempts.find((a) => a.attemptId === wanted) ?? attempts[0];
  const runLink = (
    <Link href={path('runs', key)}>
      {inst ? `${inst.ref?.workflowId} instance ${inst.ref?.instanceId} run ${inst.ref?.runId}` : key}
    </Link>
  );
  return (
    <section>
      <Title right={<StatusBadge status={s?.status} />} sub={<>step of {runLink}</>}>
        <span data-testid="step-title">
          {stepId} <span class="muted">{s?.stepType}</span>
        </span>
      </Title>
      <ErrorBox error={live.error} retry={live.reload} />
      <ErrorBox error={step.error} retry={step.reload} />
      {inst && !summary && !live.loading && <p class="warn">This run has no step {stepId} at its level.</p>}
      {s && (
        <div class="facts">
          <span>
            started <strong>{timeText(s.startedAt)}</strong>
          </span>
          {s.endedAt && (
            <span>
              ended <strong>{timeText(s.endedAt)}</strong>
            </span>
          )}
          <span>
            took <strong>{durationText(s.startedAt, s.endedAt)}</strong>
          </span>
          <span>
            attempts <strong>{s.attempts ?? 0}</strong>
          </span>
          {s.permitTag && <span class="warn">waiting for permit {s.permitTag}</span>}
          {s.breakpointId && <span class="warn">paused at breakpoint {s.breakpointId}</span>}
        </div>
      )}
      {s?.error && <div class="error">{s.error}</div>}
      {s?.childKey && (
        <p>
          Child run: <Link href={path('runs', s.childKey)}>{s.childKey}</Link>
        </p>
      )}
      {s?.iterationCounts && !s.childKey && (
        <p>
          <Link href={`${path('runs', key, 'steps', stepId)}/iterations`}>Iterations</Link>{' '}
          <span class="muted">{countsText(s.iterationCounts)}</span>
        </p>
      )}
      {inst && topLevel && s && <StepActions inst={inst} step={s} onDone={live.reload} />}
      {inst && !topLevel && (
        <p class="muted">
          Attempt details, logs and step actions are served for the steps of top-level runs; this step runs in
          a child run of <Link href={path('runs', runKeyOf(inst.ref))}>{runKeyOf(inst.ref)}</Link>.
        </p>
      )}
      {attempts.length > 0 && (
        <>
          <h2>Attempts</h2>
          <table class="grid" data-testid="attempts">
            <thead>
              <tr>
                <th>Attempt</th>
                <th>Status</th>
                <th>Started</th>
                <th>Took</th>
                <th>Worker</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.attemptId} class={a === attempt ? 'selected' : undefined}>
                  <td>
                    <button
                      type="button"
                      class="link"
                      onClick={() => setQuery({ attempt: String(a.attemptId) }, false)}
                    >
                      {a.attemptId}
                    </button>
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td class="muted">{timeText(a.startedAt)}</td>
                  <td>{durationText(a.startedAt, a.endedAt)}</td>
                  <td class="muted">{a.worker}</td>
                  <td class="fail-text">
                    {a.errorKind && <strong>{a.errorKind} </strong>}
                    {a.error}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {inst && topLevel && attempt && (
        <>
          <h2>Log of attempt {attempt.attemptId}</h2>
          <LogTail
            key={`${key}/${stepId}/${attempt.attemptId}`}
            request={{
              workflowId: inst.ref?.workflowId,
              instanceId: inst.ref?.instanceId,
              runId: inst.ref?.runId,
              stepId,
              attemptId: attempt.attemptId,
            }}
            follow={!isStepTerminal(attempt.status) && attempt.status !== undefined}
          />
        </>
      )}
      {s?.stepType === 'NOTEBOOK' && inst && topLevel && attempt && isStepTerminal(s.status) && (
        <>
          <h2>Executed notebook</h2>
          <NotebookView
            ref_={{
              workflowId: inst.ref?.workflowId,
              instanceId: inst.ref?.instanceId,
              runId: inst.ref?.runId,
            }}
            stepId={stepId}
            attemptId={attempt.attemptId ?? 0}
          />
        </>
      )}
      <h2>Outputs</h2>
      <ParamsTable params={attempt?.outputs ?? s?.outputs} omitted={s?.omittedOutputs} />
      {run && (
        <>
          <h2>Params</h2>
          <ParamsTable params={run.params} omitted={run.omittedParams} />
        </>
      )}
      {(s?.signalDependencies?.length ?? 0) > 0 && (
        <>
          <h2>Signal dependencies</h2>
          <ul>
            {s?.signalDependencies?.map((d, i) => (
              <li key={`${d.name}:${i}`}>
                <Link href={`/signals?name=${encodeURIComponent(d.name ?? '')}`}>{d.name}</Link>{' '}
                <span class="muted">
                  {(d.match ?? []).map((m) => `${m.param} ${m.operator} ${paramText(m.value)}`).join(', ')}
                </span>{' '}
                {d.matched ? (
                  <Link href={path('signals', d.matched.name ?? '', d.matched.seq ?? '0')}>
                    matched #{d.matched.seq}
                  </Link>
                ) : d.bypassed ? (
                  <span class="badge status-attention">bypassed</span>
                ) : (
                  <span class="badge status-waiting">waiting</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {(s?.signalOutputs?.length ?? 0) > 0 && (
        <>
          <h2>Signals published</h2>
          <ul>
            {s?.signalOutputs?.map((o) => (
              <li key={`${o.name}#${o.seq}`}>
                <Link href={path('signals', o.name ?? '', o.seq ?? '0')}>
                  {o.name} #{o.seq}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function StepActions(props: { inst: Instance; step: StepRunSummary; onDone: () => void }): JSX.Element {
  const { inst, step } = props;
  const ref = inst.ref;
  const stepId = step.stepId ?? '';
  const runEnded = isInstanceTerminal(inst.status);
  const stepEnded = isStepTerminal(step.status);
  const act = (method: string) => async () => {
    const r = await rpc<{ status?: string }>('scheduler', method, { ref, stepId, requestId: requestId() });
    return `accepted (${r.status ?? ''})`;
  };
  return (
    <div class="actions" data-testid="step-actions">
      {!runEnded && !stepEnded && (
        <>
          <ConfirmAction
            label="Skip step"
            question={`Skip ${stepId} (its successors go on)?`}
            run={act('SkipStep')}
            onDone={props.onDone}
          />
          <ConfirmAction
            label="Stop step"
            danger
            question={`Stop ${stepId}?`}
            run={act('StopStep')}
            onDone={props.onDone}
          />
        </>
      )}
      {!runEnded && (
        <ConfirmAction
          label="Restart from this step"
          question={`Run ${stepId} and everything after it again, in this run?`}
          run={act('RestartStep')}
          onDone={props.onDone}
        />
      )}
      {step.status === 'WAITING_FOR_SIGNALS' && (
        <ConfirmAction
          label="Bypass signal dependencies"
          question={`Let ${stepId} go on without the signals it waits for?`}
          run={act('BypassSignalDependencies')}
          onDone={props.onDone}
        />
      )}
      {step.status === 'PAUSED' && step.breakpointId && (
        <ConfirmAction
          label="Resume step"
          question={`Let ${stepId} go on past its breakpoint?`}
          run={act('ResumeStep')}
          onDone={props.onDone}
        />
      )}
      {runEnded && (
        <ConfirmAction
          label="Restart run from failed"
          question="Start a new run of this instance that keeps the steps that succeeded and runs this one again?"
          run={async () => {
            const r = await rpc<{ ref?: Instance['ref'] }>('scheduler', 'RestartInstance', {
              ref,
              mode: 'RESTART_FROM_INCOMPLETE',
              requestId: requestId(),
            });
            navigate(path('runs', runKeyOf(r.ref), 'steps', stepId));
            return `run ${r.ref?.runId} started`;
          }}
        />
      )}
    </div>
  );
}

// /runs/:key: one run, live — status, the DAG coloured by step status, rollup counts across
// nesting, params, steps, timeline, and its controls (stop, kill, pause/resume, restart).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { rpc } from '../api';
import { Link, navigate, path } from '../router';
import { Dag } from './dag-slot';
import { durationText, isInstanceTerminal, requestId, runKeyOf, statusGroup, timeText } from './format';
import { useLiveInstance } from './live';
import { countsText, initiatorText } from './runs';
import type { Instance, StepRunSummary, TimelineEntry, WorkflowJson, WorkflowVersion } from './types';
import { ConfirmAction, ErrorBox, ParamsTable, StatusBadge, Title, useCall, VirtualRows } from './ui';
import { parseDefinition } from './workflows';

export function RunPage(props: { runKey: string }): JSX.Element {
  const key = props.runKey;
  const live = useLiveInstance(key);
  const inst = live.data;
  const definition = useRunDefinition(inst);
  if (!inst) {
    return (
      <section>
        <Title>Run {key}</Title>
        <ErrorBox error={live.error} retry={live.reload} />
        {live.loading && <p class="muted">Loading…</p>}
      </section>
    );
  }
  const statuses: Record<string, string> = {};
  const iterationCounts: Record<string, Record<string, string>> = {};
  for (const s of inst.steps ?? []) {
    if (!s.stepId) continue;
    statuses[s.stepId] = s.status ?? '';
    if (s.iterationCounts) iterationCounts[s.stepId] = s.iterationCounts;
  }
  const workflowId = inst.ref?.workflowId ?? '';
  const selectStep = (stepId: string, stepPath: string) => {
    // A nested step runs in the iterations of its top-level loop step: open those.
    const top = stepPath.split('/')[0] ?? stepId;
    if (top !== stepId) navigate(path('runs', key, 'steps', top, 'iterations'));
    else navigate(path('runs', key, 'steps', stepId));
  };
  return (
    <section>
      <Title
        right={<StatusBadge status={inst.status} />}
        sub={
          <>
            <Link href={path('workflows', workflowId)}>{workflowId}</Link> version{' '}
            <Link href={`${path('workflows', workflowId)}?version=${inst.workflowVersion}`}>
              {inst.workflowVersion}
            </Link>
            {' · '}
            {initiatorText(inst)}
            {(inst.initiator?.signals ?? []).map((sig) => (
              <Link
                key={`${sig.name}#${sig.seq}`}
                class="chip"
                href={path('signals', sig.name ?? '', sig.seq ?? '0')}
              >
                {sig.name} #{sig.seq}
              </Link>
            ))}
            {inst.parentKey && (
              <>
                {' · '}iteration of <Link href={path('runs', inst.parentKey)}>{inst.parentKey}</Link> step{' '}
                {inst.parentStepId}
              </>
            )}
          </>
        }
      >
        <span data-testid="run-title">
          {workflowId} instance {inst.ref?.instanceId} run {inst.ref?.runId}
        </span>
      </Title>
      <ErrorBox error={live.error} retry={live.reload} />
      {live.watchError && <p class="warn">Live updates interrupted ({live.watchError.message}); retrying.</p>}
      <div class="facts">
        <span>
          created <strong>{timeText(inst.createdAt)}</strong>
        </span>
        <span>
          started <strong>{timeText(inst.startedAt)}</strong>
        </span>
        {inst.endedAt && (
          <span>
            ended <strong>{timeText(inst.endedAt)}</strong>
          </span>
        )}
        <span>
          took <strong>{durationText(inst.startedAt, inst.endedAt)}</strong>
        </span>
        <span class="muted">key {inst.key}</span>
      </div>
      {inst.error && <div class="error">{inst.error}</div>}
      {!inst.parentKey ? (
        <RunControls inst={inst} onDone={live.reload} />
      ) : (
        <p class="muted">
          Controls act on whole runs: use them on the top-level run{' '}
          <Link href={path('runs', runKeyOf(inst.ref))}>{runKeyOf(inst.ref)}</Link>.
        </p>
      )}
      <h2>Steps</h2>
      <StepCounts counts={inst.stepCounts} />
      {definition.data && (
        <Dag
          definition={definition.data}
          statuses={statuses}
          iterationCounts={iterationCounts}
          conditionLabels={true}
          onSelectStep={selectStep}
        />
      )}
      <ErrorBox error={definition.error} retry={definition.reload} />
      <StepTable runKey={key} steps={inst.steps ?? []} />
      <h2>Params</h2>
      <ParamsTable params={inst.params} omitted={inst.omittedParams} />
      <h2>Timeline</h2>
      <Timeline entries={inst.timeline ?? []} runKey={key} />
    </section>
  );
}

/**
 * The definition a run runs: its workflow's pinned version, or for a loop iteration the nested
 * steps of the loop step it belongs to.
 */
export function useRunDefinition(inst: Instance | undefined) {
  const workflowId = inst?.ref?.workflowId ?? '';
  const version = inst?.workflowVersion ?? '';
  const parentStepId = inst?.parentStepId ?? '';
  return useCall(
    async (signal): Promise<WorkflowJson | undefined> => {
      if (!workflowId) return undefined;
      const r = await rpc<{ workflow?: WorkflowVersion }>(
        'definition',
        'GetWorkflow',
        { workflowId, version },
        signal,
      );
      const wf = parseDefinition(r.workflow?.definitionJson);
      if (!wf || !parentStepId) return wf;
      const loop = findStep(wf.steps, parentStepId);
      // A subworkflow's child runs the whole (other) workflow; a loop's runs the loop's steps.
      return loop?.steps ? { id: wf.id, steps: loop.steps } : wf;
    },
    [workflowId, version, parentStepId],
  );
}

function findStep(steps: WorkflowJson['steps'], id: string): { steps?: WorkflowJson['steps'] } | undefined {
  for (const entry of steps ?? []) {
    for (const body of Object.values(entry)) {
      if (body?.id === id) return body;
      const inner = findStep(body?.steps, id);
      if (inner) return inner;
    }
  }
  return undefined;
}

function StepCounts(props: { counts: Record<string, string> | undefined }): JSX.Element | null {
  const entries = Object.entries(props.counts ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  const total = entries.reduce((n, [, c]) => n + Number(c), 0);
  return (
    <div class="counts" data-testid="step-counts" title="leaf steps across nested loops and subworkflows">
      <span class="muted">{total} leaf steps:</span>
      {entries.map(([s, n]) => (
        <span key={s} class={`badge status-${statusGroup(s)}`}>
          {s} {n}
        </span>
      ))}
    </div>
  );
}

function StepTable(props: { runKey: string; steps: StepRunSummary[] }): JSX.Element {
  const header = (
    <div class="vrow vhead step-row">
      <span>Step</span>
      <span>Type</span>
      <span>Status</span>
      <span>Attempts</span>
      <span>Started</span>
      <span>Took</span>
      <span>Detail</span>
    </div>
  );
  const row = (s: StepRunSummary) => {
    const stepPath = path('runs', props.runKey, 'steps', s.stepId ?? '');
    const loop = s.iterationCounts && !s.childKey;
    return (
      <div class="vrow step-row" key={s.stepId} data-step={s.stepId}>
        <span>
          <Link href={stepPath}>{s.stepId}</Link>
        </span>
        <span class="muted">{s.stepType}</span>
        <span>
          <StatusBadge status={s.status} />
        </span>
        <span>{s.attempts ?? 0}</span>
        <span class="muted">{timeText(s.startedAt)}</span>
        <span>{durationText(s.startedAt, s.endedAt)}</span>
        <span class="ellipsis" title={s.error}>
          {s.childKey && <Link href={path('runs', s.childKey)}>child run</Link>}
          {loop && <Link href={`${stepPath}/iterations`}>iterations: {countsText(s.iterationCounts)}</Link>}
          {s.permitTag && <span class="muted"> waiting for permit {s.permitTag}</span>}
          {s.error && <span class="fail-text"> {s.error}</span>}
        </span>
      </div>
    );
  };
  return <VirtualRows items={props.steps} rowHeight={32} maxHeight={480} header={header} row={row} />;
}

function Timeline(props: { entries: TimelineEntry[]; runKey: string }): JSX.Element {
  // The run keeps its newest 200 entries; newest first reads best while it runs.
  const entries = [...props.entries].reverse();
  if (entries.length === 0) return <p class="muted">empty</p>;
  return (
    <VirtualRows
      items={entries}
      rowHeight={26}
      maxHeight={360}
      row={(e, i) => (
        <div class="vrow timeline-row" key={i}>
          <span class="muted">{timeText(e.time)}</span>
          <span>
            {e.stepId ? <Link href={path('runs', props.runKey, 'steps', e.stepId)}>{e.stepId}</Link> : 'run'}
          </span>
          <span>
            <StatusBadge status={e.status} />
          </span>
          <span class="ellipsis" title={e.message}>
            {e.message}
          </span>
        </div>
      )}
    />
  );
}

function RunControls(props: { inst: Instance; onDone: () => void }): JSX.Element {
  const inst = props.inst;
  const ref = inst.ref;
  const ended = isInstanceTerminal(inst.status);
  const [reason, setReason] = useState('');
  const act = (method: string) => async () => {
    const r = await rpc<{ status?: string }>('scheduler', method, { ref, reason, requestId: requestId() });
    return `accepted (${r.status ?? ''})`;
  };
  const restart = (mode: string) => async () => {
    const r = await rpc<{ ref?: typeof ref; status?: string }>('scheduler', 'RestartInstance', {
      ref,
      mode,
      requestId: requestId(),
    });
    navigate(path('runs', runKeyOf(r.ref)));
    return `run ${r.ref?.runId} started`;
  };
  const reasonField = (
    <input
      class="reason"
      placeholder="reason (optional)"
      value={reason}
      onInput={(ev) => setReason(ev.currentTarget.value)}
    />
  );
  return (
    <div class="actions" data-testid="run-controls">
      {!ended && (
        <>
          <ConfirmAction
            label="Stop"
            danger
            question="Stop this run (it ends STOPPED)?"
            run={act('StopInstance')}
            onDone={props.onDone}
          >
            {reasonField}
          </ConfirmAction>
          <ConfirmAction
            label="Kill"
            danger
            question="Kill this run (it ends FAILED)?"
            run={act('KillInstance')}
            onDone={props.onDone}
          >
            {reasonField}
          </ConfirmAction>
          {inst.status === 'PAUSED' ? (
            <ConfirmAction
              label="Resume"
              question="Resume this run?"
              run={act('ResumeInstance')}
              onDone={props.onDone}
            />
          ) : (
            <ConfirmAction
              label="Pause"
              question="Pause this run (no new step starts; running steps finish)?"
              run={act('PauseInstance')}
              onDone={props.onDone}
            >
              {reasonField}
            </ConfirmAction>
          )}
        </>
      )}
      {ended && (
        <>
          <ConfirmAction
            label="Restart from failed"
            question="Start a new run of this instance that keeps the steps that succeeded?"
            run={restart('RESTART_FROM_INCOMPLETE')}
          />
          <ConfirmAction
            label="Restart from beginning"
            question="Start a new run of this instance from its first step?"
            run={restart('RESTART_FROM_BEGINNING')}
          />
        </>
      )}
    </div>
  );
}
